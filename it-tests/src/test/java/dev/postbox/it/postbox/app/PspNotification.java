package dev.postbox.it.postbox.app;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The webhook receiver's effect: one row per notification applied. */
@Entity
@Table(name = "psp_notification")
public class PspNotification {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String ref;
    private String payload;

    protected PspNotification() {
    }

    PspNotification(String ref, String payload) {
        this.ref = ref;
        this.payload = payload;
    }
}
