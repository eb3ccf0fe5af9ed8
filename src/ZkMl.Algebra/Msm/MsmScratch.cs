namespace ZkMl.Algebra;

/// <summary>
/// The MSM's large scratch arrays (signed digits, scalar limbs and magnitudes): at most ONE array of each element
/// type is kept between calls, the largest one seen, allocated at the exact length asked for.
/// </summary>
/// <remarks>
/// <c>ArrayPool.Shared</c>, used before, rounds every length up to a power of two and keeps arrays of every size
/// class it has seen on each core: at B = 1024 the prover's MSMs (2^14 … 2^20 points, 254-bit and 8-bit scalars)
/// left several of them alive (41 MiB of digits and 20 MiB of limbs allocated in the HyperKZG stage alone,
/// bench/README.md "Issue 19 kernels and memory"). Here what stays alive is bounded by the largest single MSM's
/// need. A call that finds the kept array taken (MSMs running concurrently) or too short allocates its own; on
/// return the longer of the two is kept. Entries are not cleared (callers write every entry they read), except
/// inside <see cref="Msm.SecretScalars"/>, where <see cref="Return"/> zeroes the part the caller used.
/// </remarks>
internal static class MsmScratch<T> where T : unmanaged
{
    private static T[]? _kept;

    /// <summary>An array of at least <paramref name="length"/> entries (uninitialised contents).</summary>
    public static T[] Rent(int length)
    {
        var a = Interlocked.Exchange(ref _kept, null);
        if (a != null && a.Length >= length) return a;
        if (a != null) Keep(a); // too short: keep it for smaller calls, allocate this one exactly
        return GC.AllocateUninitializedArray<T>(Math.Max(1, length));
    }

    /// <summary>
    /// Hands <paramref name="array"/> back: kept when nothing longer is kept. Inside <see cref="Msm.SecretScalars"/> its
    /// first <paramref name="used"/> entries (those the caller wrote) are zeroed first.
    /// </summary>
    public static void Return(T[] array, int used)
    {
        if (Msm.SecretScalarsActive) Array.Clear(array, 0, Math.Min(used, array.Length));
        Keep(array);
    }

    private static void Keep(T[] array)
    {
        while (true)
        {
            var cur = Volatile.Read(ref _kept);
            if (cur != null && cur.Length >= array.Length) return;
            if (Interlocked.CompareExchange(ref _kept, array, cur) == cur) return;
        }
    }
}
