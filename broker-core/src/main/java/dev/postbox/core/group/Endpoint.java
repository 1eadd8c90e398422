package dev.postbox.core.group;

/**
 * One endpoint of a URL group (docs/api.md#url-groups).
 *
 * @param name optional name ({@code [A-Za-z0-9._-]+}), or null
 * @param url destination URL, kept exactly as given
 */
public record Endpoint(String name, String url) {}
