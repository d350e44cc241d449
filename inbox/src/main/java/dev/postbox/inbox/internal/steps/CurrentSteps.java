package dev.postbox.inbox.internal.steps;

import dev.postbox.inbox.Steps;
import java.util.Optional;

/** The application's {@link Steps}: each call goes to the record processed on the calling thread. */
final class CurrentSteps implements Steps {

    private final StepRunner runner;

    CurrentSteps(StepRunner runner) {
        this.runner = runner;
    }

    @Override
    public <T, E extends Exception> T run(String name, Class<T> type, Step<? extends T, E> step) throws E {
        return runner.current("run").run(name, type, step);
    }

    @Override
    public <E extends Exception> void run(String name, Action<E> step) throws E {
        runner.current("run").<Void, E>run(name, Void.class, () -> {
            step.run();
            return null;
        });
    }

    @Override
    public Optional<String> cursor() {
        return runner.current("cursor").cursor();
    }

    @Override
    public void saveCursor(String cursor) {
        runner.current("saveCursor").saveCursor(cursor);
    }

    @Override
    public void progress(long done, long total) {
        runner.current("progress").progress(done, total);
    }

    @Override
    public String toString() {
        return "Steps of the inbox record processed on the calling thread";
    }
}
