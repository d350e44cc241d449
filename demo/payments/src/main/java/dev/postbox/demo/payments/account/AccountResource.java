package dev.postbox.demo.payments.account;

import dev.postbox.demo.payments.DemoConfig;
import dev.postbox.demo.payments.Problems;
import dev.postbox.inbox.Idempotent;
import dev.postbox.inbox.KeySource;
import dev.postbox.inbox.Steps;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.math.BigDecimal;
import java.net.URI;
import java.util.List;
import java.util.logging.Logger;

/**
 * {@code /api/accounts}: open an account (PUT, naturally idempotent), read balances, and make deposits (POST,
 * made idempotent by Postbox with the {@code Idempotency-Key} header: a client that retries after a lost answer
 * gets the same 201 and body again, with {@code Idempotent-Replayed: true}, and no second deposit). A deposit
 * first screens the funds with an outside service as a recorded step: if booking fails afterwards, the retry of the
 * deposit reuses the stored screening instead of opening a second case.
 */
@RequestScoped
@Path("accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private static final Logger LOG = Logger.getLogger(AccountResource.class.getName());
    /** The account.id column is varchar(64). */
    public static final int MAX_ACCOUNT_ID_LENGTH = 64;
    /** The account.owner column is varchar(255). */
    public static final int MAX_OWNER_LENGTH = 255;
    /** The largest deposit, in cents (10 billion): far inside a bigint, so no sum of a few can wrap. */
    public static final long MAX_AMOUNT_CENTS = 1_000_000_000_000L;

    @Inject
    AccountService accounts;

    @Inject
    FundsScreening screening;

    @Inject
    Steps steps;

    @Inject
    DemoConfig config;

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public AccountView open(@PathParam("id") String id, OpenAccount request) {
        checkAccountId(id);
        if (request == null || request.owner() == null || request.owner().isBlank()) {
            throw Problems.badRequest("owner", "owner is required");
        }
        if (request.owner().length() > MAX_OWNER_LENGTH) {
            throw Problems.badRequest("owner", "owner must be at most " + MAX_OWNER_LENGTH + " characters, was "
                    + request.owner().length());
        }
        return AccountView.of(accounts.open(id, request.owner()));
    }

    @GET
    @Path("{id}")
    public AccountView get(@PathParam("id") String id) {
        checkAccountId(id);
        return AccountView.of(accounts.get(id));
    }

    @GET
    public List<AccountView> list() {
        return accounts.list().stream().map(AccountView::of).toList();
    }

    @POST
    @Path("{id}/deposits")
    @Consumes(MediaType.APPLICATION_JSON)
    @Idempotent(scope = "deposits", keySource = KeySource.HEADER)
    public Response deposit(@PathParam("id") String id, @HeaderParam("Idempotency-Key") String key,
            DepositRequest request) {
        checkAccountId(id);
        long amount = cents(request == null ? null : request.amount());
        // once per deposit: committed as soon as it returns, reused by any retry of this Idempotency-Key
        FundsScreening.Screening screened = steps.run("screen", FundsScreening.Screening.class,
                () -> screening.screen(id, amount, config.complianceThresholdCents()));
        AccountService.DepositResult result = accounts.deposit(id, amount, key);
        LOG.fine(() -> "deposit " + key
                + " screened as " + screened.caseId() + " (" + screened.verdict() + ")");
        return Response.created(URI.create("accounts/" + id + "/deposits/" + result.depositId()))
                .entity(result).build();
    }

    /** 400 naming the limit, before anything reaches the database (the column is varchar(64)). */
    static void checkAccountId(String id) {
        if (id == null || id.isBlank() || id.length() > MAX_ACCOUNT_ID_LENGTH) {
            throw Problems.badRequest("id", "account id must be 1 to " + MAX_ACCOUNT_ID_LENGTH
                    + " characters, was " + (id == null ? 0 : id.length()));
        }
    }

    /**
     * The amount as whole cents: present, a JSON number (not a string, boolean, array or object), a whole number
     * (1.0 is 1, 1.5 is refused, never truncated), positive and at most {@link #MAX_AMOUNT_CENTS}; else 400 naming
     * the field.
     */
    static long cents(JsonValue value) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            throw Problems.badRequest("amount", "amount is required: a whole number of cents");
        }
        if (!(value instanceof JsonNumber number)) {
            throw Problems.badRequest("amount", "amount must be a JSON number (whole cents), was "
                    + kind(value.getValueType()));
        }
        BigDecimal amount = number.bigDecimalValue();
        if (amount.signum() <= 0) {
            throw Problems.badRequest("amount", "amount (cents) must be positive, was " + shown(amount));
        }
        if (amount.compareTo(BigDecimal.valueOf(MAX_AMOUNT_CENTS)) > 0) {
            throw Problems.badRequest("amount", "amount must be at most " + MAX_AMOUNT_CENTS + " cents, was "
                    + shown(amount));
        }
        BigDecimal whole = amount.stripTrailingZeros();
        if (whole.scale() > 0) {
            throw Problems.badRequest("amount", "amount must be a whole number of cents, was " + shown(amount));
        }
        return whole.longValueExact();
    }

    private static String kind(JsonValue.ValueType type) {
        return switch (type) {
            case STRING -> "a string";
            case TRUE, FALSE -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String shown(BigDecimal amount) {
        String text = amount.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    public record OpenAccount(String owner) {
    }

    /**
     * The amount as the JSON value sent, not a long: JSON-B would truncate 1.5 to 1, accept any long, and report a
     * wrongly typed value without naming it (an array: "Unexpected state: END_ARRAY"); {@link #cents} decides.
     */
    public record DepositRequest(JsonValue amount) {
    }

    public record AccountView(String id, String owner, long balance) {
        static AccountView of(Account a) {
            return new AccountView(a.getId(), a.getOwner(), a.getBalance());
        }
    }
}
