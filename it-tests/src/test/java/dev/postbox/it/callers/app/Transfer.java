package dev.postbox.it.callers.app;

/** The body of a transfer request. */
public class Transfer {

    private String to;
    private long amount;

    public String getTo() {
        return to;
    }

    public void setTo(String to) {
        this.to = to;
    }

    public long getAmount() {
        return amount;
    }

    public void setAmount(long amount) {
        this.amount = amount;
    }
}
