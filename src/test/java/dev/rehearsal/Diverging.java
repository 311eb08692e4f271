package dev.rehearsal;

import dev.rehearsal.backend.Backend;
import java.lang.reflect.Proxy;

/** A backend whose cross-entropy turns NaN from its n-th call on, as a diverging run's would. */
public final class Diverging {
    private Diverging() {
    }

    public static Backend after(Backend inner, int calls) {
        int[] count = {0};
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null; // the inner backend is shared
                    }
                    Object out = method.invoke(inner, args);
                    if (method.getName().equals("crossEntropy") && ++count[0] >= calls) {
                        return Double.NaN;
                    }
                    return out;
                });
    }
}
