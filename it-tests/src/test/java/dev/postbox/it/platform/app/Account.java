package dev.postbox.it.platform.app;

import jakarta.persistence.Entity;
import jakarta.persistence.EntityListeners;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "account")
@EntityListeners(AccountListener.class)
public class Account {

    @Id
    private Long id;
    private long balance;

    public Long getId() {
        return id;
    }

    public void setBalance(long balance) {
        this.balance = balance;
    }
}
