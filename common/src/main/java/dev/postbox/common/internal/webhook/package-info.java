/**
 * The built-in {@link dev.postbox.common.WebhookScheme}s (Standard Webhooks, Stripe, GitHub, Shopify, Slack) and
 * the signature helpers they share. Not an API for applications: choose a scheme with
 * {@link dev.postbox.common.WebhookScheme#builtIn}.
 */
package dev.postbox.common.internal.webhook;
