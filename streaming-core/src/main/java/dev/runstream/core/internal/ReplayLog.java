package dev.runstream.core.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * An append-only log that every reader reads from the start, then live, until it is closed: the semantics of
 * Mastra's {@code fullStream}. Readers are {@link Flow.Publisher} subscribers (demand respected, reentrancy-safe
 * delivery in the caller's thread) or blocking {@link Stream}s (for virtual threads).
 */
public final class ReplayLog<T> {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<T> items = new ArrayList<>();
    private final List<ReplaySubscription<?>> subscriptions = new CopyOnWriteArrayList<>();
    private boolean closed;
    private Throwable failure;

    /** Appends; refused once closed. */
    public void append(T item) {
        Objects.requireNonNull(item, "item");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the stream has ended");
            }
            items.add(item);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        subscriptions.forEach(ReplaySubscription::drain);
    }

    /** Ends the log: readers get what it holds, then completion. Idempotent. */
    public void close() {
        end(null);
    }

    /** Ends the log with an error: readers get what it holds, then the error. */
    public void fail(Throwable error) {
        end(Objects.requireNonNull(error, "error"));
    }

    private void end(Throwable error) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            failure = error;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        subscriptions.forEach(ReplaySubscription::drain);
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** A publisher of every item from the start, mapped; {@code mapper} returning null skips the item. */
    public <R> Flow.Publisher<R> publisher(Function<? super T, ? extends R> mapper) {
        return subscriber -> {
            ReplaySubscription<R> subscription = new ReplaySubscription<>(subscriber, mapper);
            subscriptions.add(subscription);
            subscriber.onSubscribe(subscription);
            subscription.drain();
        };
    }

    /** A blocking stream of every item from the start; it ends when the log is closed (or throws its failure). */
    public Stream<T> stream() {
        Iterator<T> iterator = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                lock.lock();
                try {
                    while (next >= items.size() && !closed) {
                        changed.awaitUninterruptibly();
                    }
                    if (next < items.size()) {
                        return true;
                    }
                    if (failure != null) {
                        throw new IllegalStateException("the stream failed", failure);
                    }
                    return false;
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                lock.lock();
                try {
                    return items.get(next++);
                } finally {
                    lock.unlock();
                }
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED), false);
    }

    private final class ReplaySubscription<R> implements Flow.Subscription {
        private final Flow.Subscriber<? super R> subscriber;
        private final Function<? super T, ? extends R> mapper;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private volatile boolean cancelled;
        private int next;
        private boolean done;

        ReplaySubscription(Flow.Subscriber<? super R> subscriber, Function<? super T, ? extends R> mapper) {
            this.subscriber = subscriber;
            this.mapper = mapper;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancel();
                subscriber.onError(new IllegalArgumentException("request(" + n + "): demand must be positive (§3.9)"));
                return;
            }
            demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            drain();
        }

        @Override
        public void cancel() {
            cancelled = true;
            subscriptions.remove(this);
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            do {
                deliver();
            } while (wip.decrementAndGet() != 0);
        }

        private void deliver() {
            while (!cancelled && !done) {
                T item;
                boolean ended;
                Throwable error;
                lock.lock();
                try {
                    item = next < items.size() ? items.get(next) : null;
                    ended = closed;
                    error = failure;
                } finally {
                    lock.unlock();
                }
                if (item == null) {
                    if (ended) {
                        done = true;
                        subscriptions.remove(this);
                        if (error != null) {
                            subscriber.onError(error);
                        } else {
                            subscriber.onComplete();
                        }
                    }
                    return;
                }
                R mapped = mapper.apply(item);
                if (mapped == null) {
                    next++;
                    continue;
                }
                if (demand.get() == 0) {
                    return;
                }
                next++;
                demand.decrementAndGet();
                subscriber.onNext(mapped);
            }
        }
    }
}
