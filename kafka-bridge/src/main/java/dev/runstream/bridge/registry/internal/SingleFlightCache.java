package dev.runstream.bridge.registry.internal;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A cache of values that never change once known (schema ids, schemas), loaded at most once at a time per
 * key: concurrent misses on one key wait for the first loader instead of each calling the registry. A
 * failed load is not cached, so the next call tries again. Unbounded: a registry holds few schemas.
 */
public final class SingleFlightCache<K, V> {

    private final ConcurrentHashMap<K, CompletableFuture<V>> entries = new ConcurrentHashMap<>();

    public V get(K key, Function<? super K, ? extends V> loader) {
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> existing = entries.putIfAbsent(key, mine);
        if (existing != null) {
            return await(existing);
        }
        try {
            V value = loader.apply(key);
            mine.complete(value);
            return value;
        } catch (RuntimeException | Error e) {
            entries.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /** The value if it is loaded already; never waits and never loads. */
    public Optional<V> getIfPresent(K key) {
        CompletableFuture<V> future = entries.get(key);
        if (future == null || !future.isDone() || future.isCompletedExceptionally()) {
            return Optional.empty();
        }
        return Optional.of(future.join());
    }

    /** Records a value learnt another way (e.g. the schema just registered under an id). */
    public void put(K key, V value) {
        entries.putIfAbsent(key, CompletableFuture.completedFuture(value));
    }

    private static <V> V await(CompletableFuture<V> future) {
        try {
            return future.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        }
    }
}
