package dev.postbox.core.store;

/**
 * A stored item with its position in a time-ordered listing.
 *
 * @param position opaque, totally ordered position ({@code <epochMs>-<seq>}), usable as a cursor
 */
public record Positioned<T>(String position, T item) {}
