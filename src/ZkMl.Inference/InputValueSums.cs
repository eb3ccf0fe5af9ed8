using ZkMl.Algebra;
using ZkMl.Proofs;

namespace ZkMl.Inference;

/// <summary>
/// X′'s (or one half's) SRS points summed per value: for each distinct non-zero value v of X′, S_v = Σ_(e : X′[e] = v) τ^e·G. The input
/// commitment (Σ_v v·S_v) and W3 (h_in, a function of the value on the real columns: Σ_v (h(v) − h_0)·S_v + h_0·S^P,
/// <see cref="ZkInference.CommitInputHelperFromSums"/>) are both combinations of the same sums, so the prover of a fresh
/// commitment pays for one pass over X′'s points instead of two. Secret (they say where each value sits): <see cref="Clear"/>.
/// </summary>
internal sealed class InputValueSums
{
    private InputValueSums(long[] values, G1Affine[] sums) { Values = values; Sums = sums; }

    /// <summary>The distinct non-zero values of X′, in order of first appearance.</summary>
    public long[] Values { get; }

    /// <summary>Sums[k] = Σ τ^e·G over the entries e with X′[e] = Values[k].</summary>
    public G1Affine[] Sums { get; }

    /// <summary>
    /// The sums over <paramref name="x"/> (X′, column-major; x.Length ≤ the SRS's powers), or null when it has more than
    /// max(16, x.Length / 8) distinct non-zero values (the plain small-value MSM is then no slower than summing per value).
    /// </summary>
    public static InputValueSums? Compute(Srs srs, ReadOnlySpan<long> x)
    {
        ArgumentNullException.ThrowIfNull(srs);
        int maxDistinct = Math.Max(16, x.Length / 8);
        const long Small = 1 << 15;
        var smallId = new int[2 * Small + 1]; // x + Small → id + 1 (0: not seen yet)
        Dictionary<long, int>? largeId = null;
        var values = new List<long>();
        var groups = new int[x.Length];
        try
        {
            for (int e = 0; e < x.Length; e++)
            {
                long v = x[e];
                if (v == 0) continue;
                int id;
                if (v >= -Small && v <= Small)
                {
                    ref int slot = ref smallId[v + Small];
                    if (slot == 0) { values.Add(v); slot = values.Count; }
                    id = slot - 1;
                }
                else
                {
                    largeId ??= [];
                    if (!largeId.TryGetValue(v, out id)) { id = values.Count; values.Add(v); largeId.Add(v, id); }
                }
                if (values.Count > maxDistinct) return null;
                groups[e] = id + 1;
            }
            var sums = Msm.GroupSums(srs.G1Powers[..x.Length], groups, values.Count);
            return new InputValueSums(values.ToArray(), sums);
        }
        finally
        {
            Array.Clear(groups);
            Array.Clear(smallId);
            largeId?.Clear();
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values).Clear(); // List.Clear does not zero longs
            values.Clear();
        }
    }

    /// <summary>Σ_k weights[k]·Sums[k].</summary>
    /// <exception cref="ArgumentException">Not one weight per value.</exception>
    public G1Jacobian Combine(ReadOnlySpan<Fr> weights)
    {
        if (weights.Length != Values.Length) throw new ArgumentException($"{weights.Length} weights for {Values.Length} values", nameof(weights));
        return Msm.Compute(Sums, weights);
    }

    /// <summary>Zeroes the values and the sums.</summary>
    public void Clear()
    {
        Array.Clear(Values);
        Array.Clear(Sums);
    }

    /// <summary>The shape only.</summary>
    public override string ToString() => $"InputValueSums {{ {Values.Length} values }}";
}
