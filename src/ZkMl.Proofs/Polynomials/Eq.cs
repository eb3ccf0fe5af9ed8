using ZkMl.Algebra;

namespace ZkMl.Proofs.Polynomials;

/// <summary>
/// The multilinear equality polynomial eq(r, x) = Π_j (r_j·x_j + (1 − r_j)(1 − x_j)), in the project's bit
/// order (docs/protocol.md "Multilinear conventions": variable 1 is the most significant index bit).
/// </summary>
public static class Eq
{
    /// <summary>bits(<paramref name="index"/>) as a Boolean point of <paramref name="bits"/> coordinates, in this class's bit order (variable 1 = most significant bit).</summary>
    public static Fr[] BooleanPoint(long index, int bits)
    {
        var p = new Fr[bits];
        for (int j = 0; j < bits; j++) p[j] = ((index >> (bits - 1 - j)) & 1) == 1 ? Fr.One : Fr.Zero;
        return p;
    }

    /// <summary>
    /// The table T[i] = eq(r, bits(i)) for all i &lt; 2^n, where bits(i)_j is bit (n−1−j) of i (variable 1 =
    /// most significant). Costs one multiplication per entry (2^n in total).
    /// </summary>
    public static Fr[] Table(ReadOnlySpan<Fr> point) => Table(point, null);

    /// <summary><see cref="Table(ReadOnlySpan{Fr})"/> with every entry multiplied by <paramref name="scale"/> (when given).</summary>
    public static Fr[] Table(ReadOnlySpan<Fr> point, Fr? scale)
    {
        int n = CheckVars(point);
        var t = new Fr[1 << n];
        if (n >= ParallelMinVars && Environment.ProcessorCount > 1)
        {
            // T = T_hi ⊗ T_lo (the first n − s coordinates are the high index bits): one multiplication per entry, in parallel.
            var (hi, lo, s) = Halves(point, scale);
            Parallel.For(0, hi.Length, h => ScaledCopy(hi[h], lo, t.AsSpan(h << s, lo.Length)));
        }
        else FillSequential(point, t, scale);
        return t;
    }

    /// <summary>Writes <see cref="Table(ReadOnlySpan{Fr}, Fr?)"/> of <paramref name="point"/> into <paramref name="destination"/>
    /// (length exactly 2^point.Length).</summary>
    /// <exception cref="ArgumentException">Wrong destination length.</exception>
    public static void Fill(ReadOnlySpan<Fr> point, Span<Fr> destination, Fr? scale = null)
    {
        int n = CheckVars(point);
        if (destination.Length != 1 << n)
            throw new ArgumentException($"eq table destination must have 2^{n} entries, has {destination.Length}", nameof(destination));
        if (n >= ParallelMinVars && Environment.ProcessorCount > 1) Table(point, scale).CopyTo(destination);
        else FillSequential(point, destination, scale);
    }

    /// <summary>
    /// <paramref name="destination"/>[offset + i] += scale·eq(<paramref name="point"/>, bits(i)) for i &lt; 2^n: the table of
    /// <see cref="Table(ReadOnlySpan{Fr}, Fr?)"/> added in place, without a 2^n temporary (one multiplication and one
    /// addition per entry, in parallel as T_hi ⊗ T_lo for large n). A point of ½'s only (eq = 2^−n everywhere) adds the
    /// constant scale·2^−n: no multiplication per entry.
    /// </summary>
    /// <exception cref="ArgumentException">The range does not fit the destination.</exception>
    public static void AddTable(ReadOnlySpan<Fr> point, in Fr scale, Fr[] destination, int offset)
        => AddTable(point, scale, destination, offset, 1 << CheckVars(point));

    /// <summary>
    /// As <see cref="AddTable(ReadOnlySpan{Fr}, in Fr, Fr[], int)"/> for the first <paramref name="count"/> entries of the table
    /// only (i &lt; count; the destination's entries from offset + count on are left as they are): the same values, with the
    /// work of the prefix.
    /// </summary>
    /// <exception cref="ArgumentException">The whole table's range does not fit the destination, or count is outside 0 … 2^n.</exception>
    internal static void AddTable(ReadOnlySpan<Fr> point, in Fr scale, Fr[] destination, int offset, int count)
    {
        ArgumentNullException.ThrowIfNull(destination);
        int n = CheckVars(point);
        int size = 1 << n;
        if (offset < 0 || offset > destination.Length - size)
            throw new ArgumentException($"eq table of 2^{n} entries at offset {offset} does not fit a destination of {destination.Length}", nameof(offset));
        if (count < 0 || count > size) throw new ArgumentException($"{count} entries of an eq table of 2^{n}", nameof(count));
        if (count == 0) return;
        var half = Half;
        bool allHalf = true;
        foreach (ref readonly var c in point) if (c != half) { allHalf = false; break; }
        if (allHalf)
        {
            var v = scale;
            for (int j = 0; j < n; j++) v *= half;
            Parallelism.For(count, (lo, hi) =>
            {
                var d = destination.AsSpan(offset);
                for (int i = lo; i < hi; i++) Fr.Add(d[i], v, out d[i]);
            });
            return;
        }
        if (n < ParallelMinVars || Environment.ProcessorCount == 1)
        {
            var local = new Fr[size];
            FillSequential(point, local, scale);
            var d = destination.AsSpan(offset, count);
            for (int i = 0; i < count; i++) Fr.Add(d[i], local[i], out d[i]);
            return;
        }
        var (tHi, tLo, s) = Halves(point, scale);
        // Row h covers entries [h·2^s, (h + 1)·2^s): the rows the prefix reaches, the last one cut.
        int rows = (int)(((long)count + tLo.Length - 1) >> s);
        Parallel.For(0, rows, h =>
        {
            int len = Math.Min(tLo.Length, count - (h << s));
            ProductKernels.AddScaled(tLo.AsSpan(0, len), tHi[h], destination.AsSpan(offset + (h << s), len));
        });
    }

    /// <summary>
    /// dst[l] = x·src[l] for every l (equal lengths): blocks of eight through <see cref="FrBatch.Mul8"/> by the broadcast x when it
    /// is vectorized, the rest (and every entry otherwise) one <see cref="Fr.Mul(in Fr, in Fr, out Fr)"/> each; the same limbs.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    internal static void ScaledCopy(in Fr x, ReadOnlySpan<Fr> src, Span<Fr> dst)
    {
        if (dst.Length != src.Length) throw new ArgumentException($"scaled copy needs equal lengths: src {src.Length}, dst {dst.Length}", nameof(dst));
        int l = 0;
        if (FrBatch.IsVectorized && src.Length >= 8)
        {
            Span<Fr> xb = stackalloc Fr[8];
            xb.Fill(x);
            ref Fr s0 = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(src);
            for (; l + 8 <= src.Length; l += 8) FrBatch.Mul8(ref System.Runtime.CompilerServices.Unsafe.Add(ref s0, l), ref xb[0], ref dst[l]);
        }
        for (; l < src.Length; l++) Fr.Mul(x, src[l], out dst[l]);
    }

    /// <summary>The factors of T = T_hi ⊗ T_lo: T_hi over the first n − s coordinates (scaled), T_lo over the last s = ⌊n/2⌋.</summary>
    private static (Fr[] Hi, Fr[] Lo, int S) Halves(ReadOnlySpan<Fr> point, Fr? scale)
    {
        int n = point.Length, s = n / 2;
        var hi = new Fr[1 << (n - s)];
        var lo = new Fr[1 << s];
        FillSequential(point[..(n - s)], hi, scale);
        FillSequential(point[(n - s)..], lo, null);
        return (hi, lo, s);
    }

    private static readonly Fr Half = Fr.FromInt64(2).Inverse();

    /// <summary>Tables of at least this many variables are built in parallel (as T_hi ⊗ T_lo).</summary>
    private const int ParallelMinVars = 14;

    private static int CheckVars(ReadOnlySpan<Fr> point)
    {
        if (point.Length > 30) throw new ArgumentException($"eq table of {point.Length} variables is too large", nameof(point));
        return point.Length;
    }

    private static void FillSequential(ReadOnlySpan<Fr> point, Span<Fr> destination, Fr? scale)
    {
        destination[0] = scale ?? Fr.One;
        int size = 1;
        for (int j = 0; j < point.Length; j++)
        {
            // Appending a less significant bit: T'[2k+1] = T[k]·r_j, T'[2k] = T[k] − T'[2k+1]. Backwards keeps it in place.
            var r = point[j];
            for (int k = size - 1; k >= 0; k--)
            {
                var e = destination[k];
                Fr.Mul(e, r, out var hi);
                destination[2 * k + 1] = hi;
                Fr.Sub(e, hi, out destination[2 * k]);
            }
            size <<= 1;
        }
    }

    /// <summary>eq(r, x) for two points of the same length: Π_j (r_j·x_j + (1 − r_j)(1 − x_j)).</summary>
    /// <exception cref="ArgumentException">Different lengths.</exception>
    public static Fr Evaluate(ReadOnlySpan<Fr> r, ReadOnlySpan<Fr> x)
    {
        if (r.Length != x.Length) throw new ArgumentException($"eq: points have {r.Length} and {x.Length} coordinates");
        var acc = Fr.One;
        for (int j = 0; j < r.Length; j++)
        {
            // r x + (1−r)(1−x) = 1 − r − x + 2 r x
            var rx = r[j] * x[j];
            acc *= Fr.One - r[j] - x[j] + rx + rx;
        }
        return acc;
    }
}
