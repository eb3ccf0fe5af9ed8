using System.Security.Cryptography;
using ZkMl.Algebra;

namespace ZkMl.Proofs.Commitments;

/// <summary>
/// The sparse random vector R of the zero-knowledge batched opening (docs/zk-design.md §5.7; docs/protocol.md
/// "HyperKZG", ZK mode): added to the opened vector so that the values a HyperKZG proof reveals about it — the
/// parts G_(i,b) of every opened level, P_0(r^8), the K last-level coefficients and [B(τ)]₁ (through W) — get fresh
/// coefficients. With O opened levels and a last level of K coefficients (8^O·K = 2^ℓ), R has uniform entries at
/// t(u, v, w) = u·8^O + Σ_(i&lt;O) 8^i·((v + w·i) mod 8) for u &lt; K, v &lt; 8, w &lt; W_R: every top block u holds
/// entries whose level-i fold index takes every residue mod 8, for every level i.
/// </summary>
public static class HyperKzgMask
{
    /// <summary>Fewest variables a mask is defined for: two levels (L ≥ 2), so that one level is opened and one sent.</summary>
    public const int MinVars = 4;

    /// <summary>F_kzg = 8·O + K + 2, the values a hiding proof of ℓ variables reveals about the opened vector.</summary>
    /// <exception cref="ArgumentOutOfRangeException">ℓ &lt; <see cref="MinVars"/> or ℓ &gt; 30.</exception>
    public static int RevealedFunctionals(int numVars)
    {
        CheckVars(numVars);
        return HyperKzg.Arity * HyperKzg.OpenedLevels(numVars) + HyperKzg.LastLevelSize(numVars) + 2;
    }

    /// <summary>
    /// W_R = max(2, ⌈(F_kzg + 8)/(8K)⌉), the copies of the residue pattern per top block. At least two: with one copy
    /// every level's fold digit of an entry is the same (v), and the revealed values fall short of the rank the whole
    /// vector reaches (Lemma K fails at ℓ = 8, 9, 12, 15, 18; the test <c>Mask_reaches_every_revealed_value_the_vector_can_reach</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">ℓ &lt; <see cref="MinVars"/> or ℓ &gt; 30.</exception>
    public static int Copies(int numVars)
    {
        int k = HyperKzg.LastLevelSize(CheckVars(numVars));
        return Math.Max(2, (RevealedFunctionals(numVars) + 8 + 8 * k - 1) / (8 * k));
    }

    /// <summary>The positions of R (sorted, distinct) for ℓ variables and <see cref="Copies"/> copies.</summary>
    public static int[] Positions(int numVars) => Positions(numVars, Copies(numVars));

    /// <summary>
    /// The positions t(u, v, w) for w &lt; <paramref name="copies"/>, sorted and without repeats (with O = 1 every
    /// copy is the same set: the 8K positions are then the whole vector).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">ℓ out of range or copies &lt; 1.</exception>
    public static int[] Positions(int numVars, int copies)
    {
        CheckVars(numVars);
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        int opened = HyperKzg.OpenedLevels(numVars), k = HyperKzg.LastLevelSize(numVars);
        int block = 1 << (HyperKzg.ArityBits * opened);
        var set = new SortedSet<int>();
        for (int u = 0; u < k; u++)
            for (int v = 0; v < HyperKzg.Arity; v++)
                for (int w = 0; w < copies; w++)
                {
                    int t = u * block, pow = 1;
                    for (int i = 0; i < opened; i++, pow *= HyperKzg.Arity) t += pow * ((v + w * i) % HyperKzg.Arity);
                    set.Add(t);
                }
        return [.. set];
    }

    /// <summary>
    /// R*'s positions for a mask confined to the indices below <paramref name="used"/> = L* = u*·8^O + ρ, 2^p ≤ ρ &lt; 2^(p+1) (docs/protocol.md
    /// "ZK mode: the column-major private input", (4)) with <paramref name="copies"/> copies of the residue pattern per top
    /// block: the positions t(u, v, w) of the top blocks u &lt; u* as they are; in the partial block u* each level-i digit
    /// (v + w·i) mod 8 taken modulo min(8, 2^(p − 3i)) (1 when p ≤ 3i), and also the unreduced t(u*, v, w) when it is below
    /// L*; deduplicated; none above. Sorted.
    /// </summary>
    /// <exception cref="ArgumentException">L* &lt; 1.</exception>
    public static int[] ConfinedPositions(int numVars, long used, int copies)
    {
        CheckVars(numVars);
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        int opened = HyperKzg.OpenedLevels(numVars), k = HyperKzg.LastLevelSize(numVars);
        long block = 1L << (HyperKzg.ArityBits * opened);
        if (used >= block * k) return Positions(numVars, copies);
        long uStar = used / block, rest = used - uStar * block;
        if (used < 1) throw new ArgumentException($"L* = {used} is not positive", nameof(used));
        int p = rest == 0 ? 0 : System.Numerics.BitOperations.Log2((ulong)rest);
        var set = new SortedSet<int>();
        for (long u = 0; u <= uStar && u < k; u++)
        {
            if (u == uStar && rest == 0) break;
            for (int v = 0; v < HyperKzg.Arity; v++)
                for (int w = 0; w < copies; w++)
                {
                    long t = u * block, full = u * block, pow = 1;
                    for (int i = 0; i < opened; i++, pow *= HyperKzg.Arity)
                    {
                        int digit = (v + w * i) % HyperKzg.Arity;
                        full += pow * digit;
                        if (u == uStar) { int avail = p - HyperKzg.ArityBits * i; digit %= avail >= HyperKzg.ArityBits ? HyperKzg.Arity : avail > 0 ? 1 << avail : 1; }
                        t += pow * digit;
                    }
                    set.Add((int)t);
                    if (full < used) set.Add((int)full); // the unreduced position when it is below L* (a partial block longer than 2^p)
                }
        }
        return [.. set];
    }

    /// <summary>A fresh R for ℓ variables: uniform entries (OS CSPRNG) at <see cref="Positions(int)"/>.</summary>
    public static SparseMask Sample(int numVars) => Sample(numVars, null);

    /// <summary>As <see cref="Sample(int)"/> with the entries drawn from <paramref name="rng"/> (tests; null = OS CSPRNG).</summary>
    internal static SparseMask Sample(int numVars, RandomNumberGenerator? rng)
    {
        var pos = Positions(numVars);
        var values = new Fr[pos.Length];
        for (int i = 0; i < values.Length; i++) values[i] = ZkRandom.Scalar(rng);
        return new SparseMask(numVars, pos, values);
    }

    private static int CheckVars(int numVars)
    {
        if (numVars < MinVars || numVars > 30)
            throw new ArgumentOutOfRangeException(nameof(numVars), numVars, $"the HyperKZG mask needs {MinVars} … 30 variables (at least two folding levels)");
        return numVars;
    }
}

/// <summary>A vector of 2^NumVars entries that is zero except at <paramref name="Positions"/> (sorted, distinct).</summary>
/// <param name="NumVars">ℓ: the vector has 2^ℓ entries.</param>
/// <param name="Positions">The non-zero positions.</param>
/// <param name="Values">The entries at those positions.</param>
public sealed record SparseMask(int NumVars, int[] Positions, Fr[] Values)
{
    /// <summary>The dense vector.</summary>
    public Fr[] ToDense()
    {
        var d = new Fr[1 << NumVars];
        for (int i = 0; i < Positions.Length; i++) d[Positions[i]] = Values[i];
        return d;
    }

    /// <summary>Adds the mask to <paramref name="vector"/> (2^ℓ entries) in place.</summary>
    /// <exception cref="ArgumentException">Wrong length.</exception>
    public void AddTo(Span<Fr> vector)
    {
        if (vector.Length != 1 << NumVars) throw new ArgumentException($"vector has {vector.Length} entries; the mask {1 << NumVars}", nameof(vector));
        for (int i = 0; i < Positions.Length; i++) vector[Positions[i]] += Values[i];
    }

    /// <summary>[R(τ)]₁ by a sparse MSM over the SRS powers at the positions (no blinding).</summary>
    /// <exception cref="ArgumentException">The SRS is too small.</exception>
    public G1Affine Commit(Srs srs)
    {
        ArgumentNullException.ThrowIfNull(srs);
        if (Positions.Length > 0 && Positions[^1] >= srs.G1Powers.Length) throw new ArgumentException($"position {Positions[^1]} exceeds the SRS ({srs})", nameof(srs));
        var bases = new G1Affine[Positions.Length];
        for (int i = 0; i < bases.Length; i++) bases[i] = srs.G1Powers[Positions[i]];
        return G1Msm.Compute(bases, Values).ToAffine();
    }

    /// <summary>Shape only: the entries are secret.</summary>
    public override string ToString() => $"SparseMask {{ NumVars = {NumVars}, {Positions.Length} entries }}";
}
