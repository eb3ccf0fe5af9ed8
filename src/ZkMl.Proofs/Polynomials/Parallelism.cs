namespace ZkMl.Proofs.Polynomials;

/// <summary>Chunked data parallelism for the O(2^n) polynomial loops: small inputs stay on one thread.</summary>
internal static class Parallelism
{
    /// <summary>Loops of at least this many iterations are split over threads.</summary>
    internal const int Threshold = 1 << 13;

    /// <summary>Calls <paramref name="body"/>(start, end) on disjoint chunks covering [0, count).</summary>
    internal static void For(int count, Action<int, int> body)
    {
        if (count < Threshold || Environment.ProcessorCount == 1)
        {
            body(0, count);
            return;
        }
        int chunks = Math.Min(Environment.ProcessorCount * 4, count / (Threshold / 4));
        int size = (count + chunks - 1) / chunks;
        Parallel.For(0, chunks, c =>
        {
            int start = c * size;
            int end = Math.Min(count, start + size);
            if (start < end) body(start, end);
        });
    }

    /// <summary>Number of variables of a table of length <paramref name="length"/> (a power of two ≥ 1).</summary>
    /// <exception cref="ArgumentException">The length is not a power of two.</exception>
    internal static int Log2Exact(int length, string what)
    {
        if (length <= 0 || (length & (length - 1)) != 0)
            throw new ArgumentException($"{what}: length must be a power of two ≥ 1, got {length}");
        return System.Numerics.BitOperations.Log2((uint)length);
    }
}
