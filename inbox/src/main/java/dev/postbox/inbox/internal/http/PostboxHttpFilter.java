package dev.postbox.inbox.internal.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Keeps the request and response in {@link HttpExchange} for the duration of the request, and forgets the
 * request's {@link JaxRsExchange} at its end (a failed request may skip the JAX-RS response filter).
 */
public class PostboxHttpFilter implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse httpResponse)) {
            chain.doFilter(request, response);
            return;
        }
        HttpExchange.set(new HttpExchange(http, httpResponse));
        try {
            chain.doFilter(request, response);
        } finally {
            HttpExchange.clear();
            JaxRsExchange.clear();
        }
    }
}
