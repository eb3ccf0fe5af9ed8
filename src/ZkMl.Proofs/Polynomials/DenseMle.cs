using ZkMl.Algebra;

namespace ZkMl.Proofs.Polynomials;

/// <summary>
/// A multilinear polynomial in n variables given by its 2^n evaluations over the Boolean hypercube, in the
/// project's bit order: entry i is the value at x with x_j = bit (n−1−j) of i (variable 1 = most significant
/// bit; a row-major tensor's row bits come first). <see cref="BindFirst"/> fixes variable 1 in place.
/// </summary>
public sealed class DenseMle
{
    private Fr[] _values;
    private int _length;
    // Borrowed: _values is the caller's array, never written; the first BindFirst binds into a new half-size array.
    private bool _borrowed;
    // True once a borrowed MLE's first bind allocated its own half-size array (see ClearOwnCopy).
    private bool _ownCopy;
    // The current values repeat with this period (a power of two ≤ _length): binding a variable above it
    // changes no value (v[i] = v[i + half]), so BindFirst only halves the length.
    private int _period;
    // Until the first bind, optionally: the values as few distinct ones (see WithGroups).
    private ValueGroups? _groups;

    /// <summary>Wraps <paramref name="values"/> (not copied; the MLE owns and mutates it when bound).</summary>
    /// <exception cref="ArgumentException">The length is not a power of two.</exception>
    public DenseMle(Fr[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        Parallelism.Log2Exact(values.Length, "DenseMle");
        _values = values;
        _length = values.Length;
        _period = values.Length;
    }

    /// <summary>
    /// The table of 2^k <paramref name="values"/> repeated to 2^<paramref name="numVars"/> entries (a copy): its
    /// MLE is the original one on the last k coordinates, constant in the others.
    /// </summary>
    /// <exception cref="ArgumentException">The length is not a power of two or exceeds 2^numVars.</exception>
    public static DenseMle Tiled(ReadOnlySpan<Fr> values, int numVars)
    {
        Parallelism.Log2Exact(values.Length, "DenseMle.Tiled");
        if (numVars > 30 || values.Length > 1 << numVars) throw new ArgumentException($"{values.Length} values do not tile 2^{numVars} entries", nameof(values));
        var r = new Fr[1 << numVars];
        for (int o = 0; o < r.Length; o += values.Length) values.CopyTo(r.AsSpan(o));
        return new DenseMle(r) { _period = values.Length };
    }

    /// <summary>
    /// Wraps <paramref name="values"/> without copying and without ever writing it: the first <see cref="BindFirst"/> binds into a
    /// new array of half the length (saving the copy a caller would otherwise make to keep its values).
    /// </summary>
    /// <exception cref="ArgumentException">The length is not a power of two.</exception>
    internal static DenseMle Borrowed(Fr[] values) => new(values) { _borrowed = true };

    /// <summary>
    /// Declares that entry i equals <paramref name="groups"/>.Values[groups.Ids[i] − 1] (the caller's promise; a round kernel may
    /// then sum over the few distinct values instead of the entries, <see cref="Sumcheck.TermTiling"/>). Dropped by the first
    /// <see cref="BindFirst"/> (the bound values are new ones).
    /// </summary>
    /// <exception cref="ArgumentException">The ids do not cover the table.</exception>
    internal DenseMle WithGroups(ValueGroups groups)
    {
        if (groups.Ids.Length != _length) throw new ArgumentException($"{groups.Ids.Length} group ids for {_length} values", nameof(groups));
        _groups = groups;
        return this;
    }

    /// <summary>The grouping of <see cref="WithGroups"/> while no variable is bound, else null.</summary>
    internal ValueGroups? Groups => _groups;

    /// <summary>
    /// Zeroes the array a <see cref="Borrowed"/> MLE's first bind allocated (bound values derived from the caller's, e.g. a
    /// zero-knowledge prover's secret vectors); the caller's own array is neither written nor cleared. No effect on other
    /// MLEs. The values are gone afterwards: read the final value first.
    /// </summary>
    internal void ClearOwnCopy()
    {
        if (_ownCopy) Array.Clear(_values);
    }

    /// <summary>An MLE of signed integers v (each taken mod r).</summary>
    public static DenseMle FromInt64(ReadOnlySpan<long> values)
    {
        var v = new Fr[values.Length];
        for (int i = 0; i < v.Length; i++) v[i] = Fr.FromInt64(values[i]);
        return new DenseMle(v);
    }

    /// <summary>Current number of variables n (decreases by one per <see cref="BindFirst"/>).</summary>
    public int NumVars => System.Numerics.BitOperations.Log2((uint)_length);

    /// <summary>Current number of evaluations, 2^n.</summary>
    public int Length => _length;

    /// <summary>The current evaluations (a view; valid until the next bind).</summary>
    public ReadOnlySpan<Fr> Values => _values.AsSpan(0, _length);

    /// <summary>The backing array; the first <see cref="Length"/> entries are the current evaluations.</summary>
    internal Fr[] Buffer => _values;

    /// <summary>Evaluation at hypercube index <paramref name="i"/>.</summary>
    public Fr this[int i] => Values[i];

    /// <summary>A deep copy of the current evaluations.</summary>
    public DenseMle Clone() => new(Values.ToArray());

    /// <summary>
    /// Fixes variable 1 (the most significant bit) to <paramref name="r"/> in place:
    /// v'[i] = v[i] + r·(v[i + 2^(n−1)] − v[i]) for i &lt; 2^(n−1).
    /// </summary>
    /// <exception cref="InvalidOperationException">No variable left.</exception>
    public void BindFirst(Fr r)
    {
        if (_length == 1) throw new InvalidOperationException("DenseMle: no variable left to bind");
        var groups = _groups;
        _groups = null;
        int half = _length >> 1;
        if (_period < _length) { _length = half; return; } // tiled: v[i] + r·(v[i + half] − v[i]) = v[i]
        _period = half;
        var arr = _values;
        var dst = _borrowed ? GC.AllocateUninitializedArray<Fr>(half) : arr;
        if (groups is not null && GroupedBindPays(groups.Values.Length, half)) BindGrouped(groups, half, r, dst);
        else
            Parallelism.For(half, (start, end) =>
            {
                var v = arr.AsSpan();
                Bind(v[start..end], v.Slice(start + half, end - start), r, dst.AsSpan(start, end - start));
            });
        _values = dst;
        if (_borrowed) _ownCopy = true;
        _borrowed = false;
        _length = half;
    }

    /// <summary>
    /// o[i] = lo[i] + r·(hi[i] − lo[i]) for every i: the products go eight at a time through <see cref="FrBatch.Mul8"/> when it
    /// is vectorized (eight subtractions, one product by the broadcast r, eight additions), else one <see cref="Fr.Mul(in Fr, in Fr, out Fr)"/>
    /// each; the limbs are the same. <paramref name="o"/> may be <paramref name="lo"/> itself (same start), not a shifted overlap.
    /// </summary>
    internal static void Bind(ReadOnlySpan<Fr> lo, ReadOnlySpan<Fr> hi, in Fr r, Span<Fr> o)
    {
        int n = lo.Length;
        if (hi.Length != n || o.Length != n) throw new ArgumentException($"bind needs equal lengths: lo {n}, hi {hi.Length}, out {o.Length}", nameof(o));
        int i = 0;
        if (FrBatch.IsVectorized && n >= 8)
        {
            Span<Fr> d = stackalloc Fr[8];
            Span<Fr> rb = stackalloc Fr[8];
            rb.Fill(r);
            for (; i + 8 <= n; i += 8)
            {
                for (int l = 0; l < 8; l++) Fr.Sub(hi[i + l], lo[i + l], out d[l]);
                FrBatch.Mul8(ref d[0], ref rb[0], ref d[0]);
                for (int l = 0; l < 8; l++) Fr.Add(lo[i + l], d[l], out o[i + l]);
            }
        }
        for (; i < n; i++)
        {
            Fr.Sub(hi[i], lo[i], out var d);
            Fr.Mul(d, r, out d);
            Fr.Add(lo[i], d, out o[i]);
        }
    }

    /// <summary>
    /// Most distinct values a grouped bind takes: its K² pair table is built on one thread (1024² products ≈ the bind of 2^20
    /// pairs), against <see cref="Sumcheck.GroupedRound.MaxValues"/> for the round, whose pair sums are K² per core.
    /// </summary>
    internal const int GroupedBindMaxValues = 1024;

    /// <summary>Tests: a counter of grouped binds done in the current async flow (as <see cref="Sumcheck.GroupedRound.TakenProbe"/>).</summary>
    internal static readonly AsyncLocal<System.Runtime.CompilerServices.StrongBox<int>?> GroupedBindProbe = new();

    /// <summary>Whether binding 2·half grouped entries through the K² pair table costs less than binding them one by one.</summary>
    internal static bool GroupedBindPays(int k, int half) => k > 0 && k <= GroupedBindMaxValues && (long)k * k <= half;

    /// <summary>
    /// o[j] = V[a] + r·(V[b] − V[a]) with a = ids[j] − 1, b = ids[j + half] − 1 (V = <paramref name="groups"/>.Values): the bind of
    /// <see cref="Bind"/> for a grouped table, one product per value pair (a K² table, cleared after) and one read per entry; the
    /// same values. <paramref name="o"/> (half entries) may be the table's own array.
    /// </summary>
    /// <exception cref="ArgumentException">An id outside 1 … K, or too few ids.</exception>
    internal static void BindGrouped(ValueGroups groups, int half, in Fr r, Fr[] o)
    {
        var ids = groups.Ids;
        var v = groups.Values;
        int k = v.Length;
        if (ids.Length < 2 * half || o.Length < half) throw new ArgumentException($"binding {half} grouped pairs needs {2 * half} ids and {half} outputs", nameof(groups));
        var pairs = new Fr[k * k];
        var rr = r;
        try
        {
            for (int a = 0; a < k; a++)
            {
                Fr.Sub(Fr.Zero, v[a], out var negA);
                for (int b = 0; b < k; b++)
                {
                    Fr.Add(v[b], negA, out var d);
                    Fr.Mul(d, rr, out d);
                    Fr.Add(v[a], d, out pairs[a * k + b]);
                }
            }
            bool badId = false;
            Parallelism.For(half, (start, end) =>
            {
                for (int j = start; j < end; j++)
                {
                    uint a = (uint)(ids[j] - 1), b = (uint)(ids[j + half] - 1);
                    if (a >= (uint)k || b >= (uint)k) { badId = true; return; }
                    o[j] = pairs[a * k + b];
                }
            });
            // (the count K of distinct values is witness-derived: not in the message)
            if (badId) throw new ArgumentException("a group id outside 1 … K (the number of distinct values)", nameof(groups));
            if (GroupedBindProbe.Value is { } probe) Interlocked.Increment(ref probe.Value);
        }
        finally { Array.Clear(pairs); }
    }

    /// <summary>
    /// o[j] = t[2j] + r·(t[2j+1] − t[2j]) for every j &lt; o.Length (index bit 0 bound to r, as the batched openings' tables
    /// are), with the products eight at a time through <see cref="FrBatch.Mul8"/> when it is vectorized; the limbs are the
    /// scalar formula's. <paramref name="o"/> may be <paramref name="t"/> itself (same start: each block reads its sixteen
    /// inputs before writing eight entries below them), not a shifted overlap.
    /// </summary>
    internal static void BindPairs(ReadOnlySpan<Fr> t, in Fr r, Span<Fr> o)
    {
        int n = o.Length;
        if (t.Length < 2 * n) throw new ArgumentException($"binding {n} pairs needs {2 * n} entries, not {t.Length}", nameof(t));
        int j = 0;
        if (FrBatch.IsVectorized && n >= 8)
        {
            Span<Fr> lo = stackalloc Fr[8];
            Span<Fr> d = stackalloc Fr[8];
            Span<Fr> rb = stackalloc Fr[8];
            rb.Fill(r);
            for (; j + 8 <= n; j += 8)
            {
                for (int l = 0; l < 8; l++)
                {
                    lo[l] = t[2 * (j + l)];
                    Fr.Sub(t[2 * (j + l) + 1], lo[l], out d[l]);
                }
                FrBatch.Mul8(ref d[0], ref rb[0], ref d[0]);
                for (int l = 0; l < 8; l++) Fr.Add(lo[l], d[l], out o[j + l]);
            }
        }
        for (; j < n; j++)
        {
            Fr.Sub(t[2 * j + 1], t[2 * j], out var d);
            Fr.Mul(d, r, out d);
            Fr.Add(t[2 * j], d, out o[j]);
        }
    }

    /// <summary>The value at <paramref name="point"/> (length n), without modifying this MLE. 2^n multiplications.</summary>
    /// <exception cref="ArgumentException">Wrong number of coordinates.</exception>
    public Fr Evaluate(ReadOnlySpan<Fr> point) => Evaluate(Values, point);

    /// <summary>Σ over the hypercube of the current evaluations.</summary>
    public Fr SumOverHypercube() => Sum(Values);

    /// <summary>Evaluates the MLE with evaluation table <paramref name="values"/> (length 2^n) at <paramref name="point"/>.</summary>
    /// <exception cref="ArgumentException">Wrong number of coordinates or non-power-of-two length.</exception>
    public static Fr Evaluate(ReadOnlySpan<Fr> values, ReadOnlySpan<Fr> point)
    {
        int n = Parallelism.Log2Exact(values.Length, "MLE evaluation");
        if (point.Length != n) throw new ArgumentException($"MLE has {n} variables, point has {point.Length} coordinates", nameof(point));
        if (n == 0) return values[0];
        int half = values.Length >> 1;
        var buf = new Fr[half];
        var r = point[0];
        for (int i = 0; i < half; i++) buf[i] = values[i] + r * (values[i + half] - values[i]);
        var m = new DenseMle(buf);
        for (int j = 1; j < n; j++) m.BindFirst(point[j]);
        return m[0];
    }

    /// <summary>Σ of all entries of <paramref name="values"/>.</summary>
    public static Fr Sum(ReadOnlySpan<Fr> values)
    {
        var acc = Fr.Zero;
        foreach (ref readonly var v in values) Fr.Add(acc, v, out acc);
        return acc;
    }
}

/// <summary>
/// A table given as few distinct values: entry i is <paramref name="Values"/>[<paramref name="Ids"/>[i] − 1] (ids 1-based, as
/// <c>HyperKzg.CommitGrouped</c> takes them). Several tables may share one <paramref name="Ids"/> array (the same entries grouped
/// alike), each with its own values.
/// </summary>
/// <param name="Ids">Per entry its value's index + 1.</param>
/// <param name="Values">The distinct values.</param>
internal sealed record ValueGroups(int[] Ids, Fr[] Values);
