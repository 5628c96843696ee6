package dev.aha.runtime.engine;

/** Run in a child JVM by {@link BlasPathPreloadTest}: prints the path this process took, as JSON-free lines. */
public final class BlasPathProbe {

    private BlasPathProbe() {}

    public static void main(String[] args) {
        BlasPath p = ComputeThreads.blasPath();
        System.out.println("path=" + p.path());
        System.out.println("bypass=" + p.bypass());
        System.out.println("message=" + p.message());
    }
}
