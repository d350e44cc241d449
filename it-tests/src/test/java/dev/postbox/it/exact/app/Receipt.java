package dev.postbox.it.exact.app;

import jakarta.json.bind.annotation.JsonbTransient;
import java.util.Date;

/**
 * A POJO whose JSON differs between the servers' providers: fields declared out of alphabetical order (JSON-B sorts
 * them, Jackson keeps declaration order), a {@link Date} (Jackson writes epoch milliseconds, JSON-B an ISO string)
 * a null field (Jackson writes it, JSON-B leaves it out) and a field JSON-B ignores ({@link JsonbTransient}, which
 * Jackson does not know: a POJO read back from JSON-B's text, as replays were before, lost it).
 */
public class Receipt {

    private String zone;
    private long number;
    private Date issued;
    private String note;
    private String amount;
    @JsonbTransient
    private String ledgerRef;

    public String getZone() {
        return zone;
    }

    public void setZone(String zone) {
        this.zone = zone;
    }

    public long getNumber() {
        return number;
    }

    public void setNumber(long number) {
        this.number = number;
    }

    public Date getIssued() {
        return issued;
    }

    public void setIssued(Date issued) {
        this.issued = issued;
    }

    public String getNote() {
        return note;
    }

    public void setNote(String note) {
        this.note = note;
    }

    public String getAmount() {
        return amount;
    }

    public void setAmount(String amount) {
        this.amount = amount;
    }

    @JsonbTransient
    public String getLedgerRef() {
        return ledgerRef;
    }

    @JsonbTransient
    public void setLedgerRef(String ledgerRef) {
        this.ledgerRef = ledgerRef;
    }
}
