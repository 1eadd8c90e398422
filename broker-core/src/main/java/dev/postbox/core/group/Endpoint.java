package dev.postbox.core.group;

/**
 * One endpoint of a URL group (§12).
 *
 * @param name optional name ({@code [A-Za-z0-9._-]+}), or null
 * @param url destination URL, kept exactly as given
 */
public record Endpoint(String name, String url) {}
