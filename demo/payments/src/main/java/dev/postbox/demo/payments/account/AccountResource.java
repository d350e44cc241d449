package dev.postbox.demo.payments.account;

import dev.postbox.demo.payments.DemoConfig;
import dev.postbox.inbox.Idempotent;
import dev.postbox.inbox.KeySource;
import dev.postbox.inbox.Steps;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
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
        if (request == null || request.owner() == null || request.owner().isBlank()) {
            throw new BadRequestException("owner is required");
        }
        return AccountView.of(accounts.open(id, request.owner()));
    }

    @GET
    @Path("{id}")
    public AccountView get(@PathParam("id") String id) {
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
        if (request == null || request.amount() <= 0) {
            throw new BadRequestException("amount (cents) must be positive");
        }
        // once per deposit: committed as soon as it returns, reused by any retry of this Idempotency-Key
        FundsScreening.Screening screened = steps.run("screen", FundsScreening.Screening.class,
                () -> screening.screen(id, request.amount(), config.complianceThresholdCents()));
        AccountService.DepositResult result = accounts.deposit(id, request.amount(), key);
        LOG.fine(() -> "deposit " + key
                + " screened as " + screened.caseId() + " (" + screened.verdict() + ")");
        return Response.created(URI.create("accounts/" + id + "/deposits/" + result.depositId()))
                .entity(result).build();
    }

    public record OpenAccount(String owner) {
    }

    public record DepositRequest(long amount) {
    }

    public record AccountView(String id, String owner, long balance) {
        static AccountView of(Account a) {
            return new AccountView(a.getId(), a.getOwner(), a.getBalance());
        }
    }
}
