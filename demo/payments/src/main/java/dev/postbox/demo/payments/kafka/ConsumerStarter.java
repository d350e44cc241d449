package dev.postbox.demo.payments.kafka;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Starts the Kafka consumer with the web application and stops it (committing nothing more) when it stops. */
@WebListener
public class ConsumerStarter implements ServletContextListener {

    @Inject
    EventConsumer consumer;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        consumer.start();
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        try {
            consumer.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Logger.getLogger(ConsumerStarter.class.getName()).log(Level.WARNING, "interrupted while stopping", e);
        }
    }
}
