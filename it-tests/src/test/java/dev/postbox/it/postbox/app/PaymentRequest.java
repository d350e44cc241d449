package dev.postbox.it.postbox.app;

/** Body of {@code POST /api/payments}; the client chooses the payment id. */
public class PaymentRequest {

    private String id;
    private String account;
    private long amount;

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getAccount() {
        return account;
    }

    public void setAccount(String account) {
        this.account = account;
    }

    public long getAmount() {
        return amount;
    }

    public void setAmount(long amount) {
        this.amount = amount;
    }
}
