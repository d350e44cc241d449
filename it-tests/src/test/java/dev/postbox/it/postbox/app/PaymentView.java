package dev.postbox.it.postbox.app;

/** What {@code POST /api/payments} answers (and what the inbox stores and replays). */
public class PaymentView {

    private String id;
    private String account;
    private long amount;
    private String status;

    public PaymentView() {
    }

    PaymentView(String id, String account, long amount, String status) {
        this.id = id;
        this.account = account;
        this.amount = amount;
        this.status = status;
    }

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

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }
}
