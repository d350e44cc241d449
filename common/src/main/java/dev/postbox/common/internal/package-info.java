/**
 * Implementation pieces shared by the outbox, the inbox and the relay: one way to describe a failure, one cached
 * JSON-P provider. Not an API for applications; it may change in any release.
 */
package dev.postbox.common.internal;
