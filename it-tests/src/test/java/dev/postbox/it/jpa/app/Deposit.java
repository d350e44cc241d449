package dev.postbox.it.jpa.app;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "deposit")
public class Deposit {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String account;
    private long amount;

    protected Deposit() {
    }

    public Deposit(String account, long amount) {
        this.account = account;
        this.amount = amount;
    }

    public Long getId() {
        return id;
    }
}
