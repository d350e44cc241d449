package dev.postbox.inbox.cdi;

/** A message as a broker or webhook would deliver it. */
public class PaymentEvent {
    private String id;
    private long amount;

    public PaymentEvent() {
    }

    public PaymentEvent(String id, long amount) {
        this.id = id;
        this.amount = amount;
    }

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public long getAmount() {
        return amount;
    }

    public void setAmount(long amount) {
        this.amount = amount;
    }
}
