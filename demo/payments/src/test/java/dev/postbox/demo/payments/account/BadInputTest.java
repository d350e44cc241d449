package dev.postbox.demo.payments.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.WebApplicationException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Amounts and account ids the service refuses before anything reaches the database, and balances that never wrap. */
class BadInputTest {

    @Test
    void anAmountIsAWholePositiveNumberOfCentsWithinTheLimitNeverTruncated() {
        assertThat(AccountResource.cents(amount("{\"amount\": 1234}"))).isEqualTo(1234);
        assertThat(AccountResource.cents(amount("{\"amount\": 12.0}"))).isEqualTo(12);
        assertRefused(() -> AccountResource.cents(amount("{\"amount\": 1.5}")), "whole number of cents, was 1.5");
        assertRefused(() -> AccountResource.cents(amount("{\"amount\": 9223372036854775807}")), "at most");
        assertRefused(() -> AccountResource.cents(amount("{\"amount\": 1e400}")), "at most");
        assertRefused(() -> AccountResource.cents(amount("{\"amount\": -5}")), "must be positive, was -5");
        assertRefused(() -> AccountResource.cents(amount("{\"amount\": 0}")), "must be positive");
        assertRefused(() -> AccountResource.cents(amount("{}")), "amount is required");
        assertRefused(() -> AccountResource.cents(amount("{\"amount\": null}")), "amount is required");
        assertRefused(() -> AccountResource.cents(amount("{\"amount\": \"12\"}")), "JSON number", "a string");
        assertRefused(() -> AccountResource.cents(amount("{\"amount\": true}")), "JSON number", "a boolean");
        assertRefused(() -> AccountResource.cents(amount("{\"amount\": [1,2]}")), "JSON number", "an array");
        assertRefused(() -> AccountResource.cents(amount("{\"amount\": {}}")), "JSON number", "an object");
    }

    @Test
    void anAccountIdLongerThanTheColumnIs400NamingTheLimit() {
        AccountResource.checkAccountId("a".repeat(64));
        assertThatThrownBy(() -> AccountResource.checkAccountId("a".repeat(65)))
                .isInstanceOfSatisfying(WebApplicationException.class, e -> {
                    assertThat(e.getResponse().getStatus()).isEqualTo(400);
                    assertThat((String) e.getResponse().getEntity()).contains("1 to 64 characters, was 65")
                            .contains("\"field\":\"id\"");
                });
    }

    @Test
    void aBalanceNeverWraps() {
        Account account = new Account("a-1", "owner", Instant.now());
        account.credit("DepositReceived", Long.MAX_VALUE - 1, "r-1");
        assertThat(account.canCredit(1)).isTrue();
        assertThat(account.canCredit(2)).isFalse();
        assertThatThrownBy(() -> account.credit("DepositReceived", 2, "r-2")).isInstanceOf(ArithmeticException.class);
        assertThat(account.getBalance()).isEqualTo(Long.MAX_VALUE - 1);
    }

    private static final jakarta.json.bind.Jsonb JSONB = JsonbBuilder.create();

    private static jakarta.json.JsonValue amount(String json) {
        return JSONB.fromJson(json, AccountResource.DepositRequest.class).amount();
    }

    private static void assertRefused(Runnable call, String... details) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(WebApplicationException.class, e -> {
            assertThat(e.getResponse().getStatus()).isEqualTo(400);
            assertThat(e.getResponse().getMediaType().toString()).isEqualTo("application/problem+json");
            assertThat((String) e.getResponse().getEntity()).contains(details).contains("\"field\":\"amount\"");
        });
    }
}
