using ZkMl.Algebra;

namespace ZkMl.Proofs.Commitments;

/// <summary>What a KZG verifier needs from the SRS: [1]₂ and [τ]₂ (G1 uses the standard generator).</summary>
/// <param name="G2">[1]₂.</param>
/// <param name="TauG2">[τ]₂.</param>
public readonly record struct KzgVerifierKey(G2Affine G2, G2Affine TauG2)
{
    /// <summary>The verifier key of an SRS.</summary>
    public static KzgVerifierKey From(Srs srs) => new(srs.G2, srs.TauG2);
}

/// <summary>
/// Univariate KZG (Kate–Zaverucha–Goldberg 2010) over an <see cref="Srs"/>: a polynomial
/// f(X) = Σ f_i·X^i is committed as C = Σ f_i·τ^i·G. Includes the batched opening of k
/// polynomials at t points used by HyperKZG (Boneh–Drake–Fisch–Gabizon 2020 style, as in Nova's
/// <c>kzg_open_batch</c>/<c>kzg_verify_batch</c>).
/// </summary>
public static class Kzg
{
    /// <summary>C = Σ f_i·τ^i·G (one MSM over the coefficients up to the last non-zero one).</summary>
    /// <remarks>Trailing zeros cost nothing: padded vectors (and their folds and quotients) are often
    /// much shorter than their power-of-two length.</remarks>
    /// <exception cref="ArgumentException">More coefficients than the SRS has powers.</exception>
    public static G1Affine Commit(Srs srs, ReadOnlySpan<Fr> coefficients)
    {
        CheckFits(srs, coefficients.Length);
        int len = coefficients.LastIndexOfAnyExcept(Fr.Zero) + 1;
        if (len == 0) return G1Affine.Infinity;
        var table = srs.Table;
        if (table != null && len >= TableMinPoints)
        {
            // The fixed-base table covers the first table.Count powers; a longer vector's rest goes the plain way.
            int head = Math.Min(len, table.Count);
            var acc = Msm.Compute(table, coefficients[..head]);
            if (head < len) acc += G1Msm.Compute(srs.G1Powers[head..len], coefficients[head..len]);
            return acc.ToAffine();
        }
        return G1Msm.Compute(srs.G1Powers[..len], coefficients[..len]).ToAffine();
    }

    /// <summary>
    /// The same commitment as <see cref="Commit"/>, faster when the coefficients take few distinct values (at
    /// most one per two coefficients): the SRS powers that share a value are summed first, then one MSM runs
    /// over the distinct values (<see cref="Msm.TryComputeFewDistinct"/>). Otherwise as <see cref="Commit"/>.
    /// </summary>
    /// <exception cref="ArgumentException">More coefficients than the SRS has powers.</exception>
    public static G1Affine CommitFewDistinct(Srs srs, ReadOnlySpan<Fr> coefficients)
    {
        CheckFits(srs, coefficients.Length);
        int len = coefficients.LastIndexOfAnyExcept(Fr.Zero) + 1;
        if (len == 0) return G1Affine.Infinity;
        return Msm.TryComputeFewDistinct(srs.G1Powers[..len], coefficients[..len], len / 2, out var r)
            ? r.ToAffine()
            : Commit(srs, coefficients[..len]);
    }

    /// <summary>C = Σ_i values[groups[i] − 1]·τ^i·G over the first <paramref name="length"/> entries (groups[i] = 0: a zero entry), by <see cref="Msm.ComputeGrouped"/>.</summary>
    /// <exception cref="ArgumentException">More entries than the SRS has powers, fewer group entries than <paramref name="length"/>, or a group outside 0 … values.Length.</exception>
    public static G1Affine CommitGrouped(Srs srs, int[] groups, ReadOnlySpan<Fr> values, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        CheckFits(srs, length);
        return Msm.ComputeGrouped(srs.G1Powers[..length], groups, values).ToAffine();
    }

    private static void CheckFits(Srs srs, int count)
    {
        if (count > srs.G1Powers.Length)
            throw new ArgumentException($"{count} coefficients exceed the SRS ({srs.G1Powers.Length} powers, {srs})", "coefficients");
    }

    /// <summary>Commitments of at least this many coefficients use the SRS's fixed-base table when it has one.</summary>
    internal const int TableMinPoints = 1 << 14;

    /// <summary>C = Σ f_i·τ^i·G for small signed integer coefficients (small-scalar MSM path).</summary>
    /// <exception cref="ArgumentException">More coefficients than the SRS has powers.</exception>
    public static G1Affine CommitSmall(Srs srs, ReadOnlySpan<long> coefficients)
    {
        CheckFits(srs, coefficients.Length);
        int len = coefficients.LastIndexOfAnyExcept(0L) + 1;
        if (len == 0) return G1Affine.Infinity;
        return G1Msm.ComputeSmall(srs.G1Powers[..len], coefficients[..len]).ToAffine();
    }

    /// <summary>
    /// f(u) by Horner's rule; from <see cref="Horner8MinLength"/> coefficients as f(u) = Σ_(b&lt;8) u^b·F_b(u^8) with the eight
    /// strided parts F_b(z) = Σ_j f_(8j+b)·z^j evaluated side by side (<see cref="Horner8"/>). The same value.
    /// </summary>
    public static Fr Evaluate(ReadOnlySpan<Fr> f, in Fr u)
    {
        if (f.Length >= Horner8MinLength)
        {
            Span<Fr> g = stackalloc Fr[8];
            var u2 = u * u;
            var u4 = u2 * u2;
            Horner8(f, u4 * u4, g);
            var r = g[7];
            for (int b = 6; b >= 0; b--) { Fr.Mul(r, u, out r); Fr.Add(r, g[b], out r); }
            return r;
        }
        var acc = Fr.Zero;
        for (int i = f.Length - 1; i >= 0; i--) { Fr.Mul(acc, u, out acc); Fr.Add(acc, f[i], out acc); }
        return acc;
    }

    /// <summary>Coefficients from which <see cref="Evaluate"/> takes the eight-lane Horner.</summary>
    internal const int Horner8MinLength = 256;

    /// <summary>
    /// g[b] = Σ_j p_(8j+b)·y^j for b &lt; 8 (p's eight strided parts at y): eight Horner chains side by side, one eight-lane
    /// product (<see cref="FrBatch"/>) per step instead of eight dependent scalar ones.
    /// </summary>
    internal static void Horner8(ReadOnlySpan<Fr> p, in Fr y, Span<Fr> g)
    {
        g[..8].Clear();
        if (p.Length == 0) return;
        Span<Fr> ys = stackalloc Fr[8];
        ys.Fill(y);
        for (int j = (p.Length - 1) / 8; j >= 0; j--)
        {
            FrBatch.Mul8(ref g[0], ref ys[0], ref g[0]);
            int at = 8 * j, end = Math.Min(8, p.Length - at);
            for (int b = 0; b < end; b++) Fr.Add(g[b], p[at + b], out g[b]);
        }
    }

    /// <summary>
    /// The quotient h(X) = (f(X) − f(u))/(X − u) (synthetic division; the remainder f(u) is
    /// dropped). <paramref name="h"/> receives f.Length − 1 coefficients.
    /// </summary>
    internal static void Quotient(ReadOnlySpan<Fr> f, in Fr u, Span<Fr> h)
    {
        int d = f.Length;
        if (d <= 1) return;
        h[d - 2] = f[d - 1];
        for (int i = d - 2; i >= 1; i--)
        {
            Fr.Mul(h[i], u, out var t);
            Fr.Add(t, f[i], out h[i - 1]);
        }
    }

    /// <summary>
    /// Opening of one polynomial at one point: returns f(u) and the witness W = [h(τ)]₁ with
    /// h = (f − f(u))/(X − u).
    /// </summary>
    public static (Fr Value, G1Affine Witness) Open(Srs srs, ReadOnlySpan<Fr> f, in Fr u)
    {
        var value = Evaluate(f, u);
        if (f.Length <= 1) return (value, G1Affine.Infinity);
        var h = new Fr[f.Length - 1];
        Quotient(f, u, h);
        return (value, Commit(srs, h));
    }

    /// <summary>
    /// Checks one opening: e(C − v·G + u·W, [1]₂) = e(W, [τ]₂).
    /// Soundness: under the q-SDH assumption a valid W exists only if the committed f has f(u) = v.
    /// </summary>
    public static bool Verify(in KzgVerifierKey vk, in G1Affine commitment, in Fr u, in Fr value, in G1Affine witness)
    {
        if (!commitment.IsOnCurve || !witness.IsOnCurve) return false;
        var l = G1Jacobian.FromAffine(commitment)
                - G1Jacobian.Generator.ScalarMul(value)
                + G1Jacobian.FromAffine(witness).ScalarMul(u);
        return Pairing.CheckProduct([l.ToAffine(), witness.Negate()], [vk.G2, vk.TauG2]);
    }

    /// <summary>B = Σ_j q^j·f_j (coefficient-wise, in parallel over coefficient ranges).</summary>
    internal static Fr[] Combine(IReadOnlyList<Fr[]> f, in Fr q)
    {
        int n = 0;
        foreach (var fj in f) n = Math.Max(n, fj.Length);
        var qPow = new Fr[f.Count];
        if (qPow.Length > 0) qPow[0] = Fr.One;
        for (int j = 1; j < qPow.Length; j++) Fr.Mul(qPow[j - 1], q, out qPow[j]);
        var b = new Fr[n];
        int chunks = Math.Max(1, Math.Min(64, n / 4096));
        Parallel.For(0, chunks, c =>
        {
            int lo = (int)((long)n * c / chunks), hi = (int)((long)n * (c + 1) / chunks);
            for (int j = 0; j < f.Count; j++)
            {
                var fj = f[j];
                int end = Math.Min(hi, fj.Length);
                for (int i = lo; i < end; i++) { Fr.Mul(fj[i], qPow[j], out var t); Fr.Add(b[i], t, out b[i]); }
            }
        });
        return b;
    }

    /// <summary>
    /// Opening of one polynomial B at several points u with TWO G1 elements (Boneh–Drake–Fisch–Gabizon
    /// 2020, §4; "SHPLONK"), prover's first step: h = B div Z with Z(X) = Π_s (X − u_s) (the remainder
    /// is the interpolant I of B on u); returns h and W = [h(τ)]₁.
    /// </summary>
    internal static (Fr[] H, G1Affine W) OpenMultiQuotient(Srs srs, Fr[] b, ReadOnlySpan<Fr> u)
    {
        var h = MultiQuotient(b, u);
        return h.Length == 0 ? ([], G1Affine.Infinity) : (h, Commit(srs, h));
    }

    /// <summary>
    /// h = B div Z, Z(X) = Π_s (X − u_s) (the remainder dropped): the coset division when Z = (X^8 − s)(X − s) (HyperKZG's nine
    /// points, <see cref="CosetVanishing"/>), else the long division (<see cref="LongQuotient"/>). The same quotient.
    /// </summary>
    internal static Fr[] MultiQuotient(Fr[] b, ReadOnlySpan<Fr> u)
    {
        var z = VanishingCoefficients(u);
        if (b.Length <= u.Length) return [];
        return CosetVanishing(z) is { } s ? CosetQuotient(b, s) : LongQuotient(b, z);
    }

    /// <summary>s when the monic Z with low coefficients <paramref name="z"/> is (X^8 − s)(X − s) = X^9 − s·X^8 − s·X + s²; else null.</summary>
    internal static Fr? CosetVanishing(ReadOnlySpan<Fr> z)
    {
        if (z.Length != 9) return null;
        var s = -z[8];
        for (int k = 2; k < 8; k++) if (!z[k].IsZero) return null;
        return z[1] == z[8] && z[0] == s * s ? s : null;
    }

    /// <summary>
    /// h = B div ((X^8 − s)(X − s)) in one pass from the top: B1 = B div (X − s) by synthetic division (a chain of one product
    /// per coefficient), and h = B1 div (X^8 − s), i.e. h_i = B1_(i+8) + s·h_(i+8), whose product does not depend on the chain
    /// (h_(i+8) is final eight steps earlier): two products per coefficient where the long division by the nine-point Z takes
    /// three, and the second overlaps the first's latency. B1's coefficients below X^8 (the remainder's) are not needed.
    /// </summary>
    internal static Fr[] CosetQuotient(Fr[] b, in Fr s)
    {
        int n = b.Length;
        if (n <= 9) return [];
        int m = n - 9;
        var h = new Fr[m];
        // B1 = B div (X − s), from the top: B1_p (p ≥ 8) goes to h[p − 8] (one dependent product per coefficient).
        var c = Fr.Zero;
        var sv = s;
        for (int p = n - 2; p >= 8; p--)
        {
            Fr.Mul(c, sv, out var t);
            Fr.Add(t, b[p + 1], out c);
            h[p - 8] = c;
        }
        // h = B1 div (X^8 − s): h_i = B1_(i+8) + s·h_(i+8) from the top, eight independent chains (i mod 8), so eight at a time
        // with one eight-lane product (FrBatch) per block; the block [i0, i0 + 8) reads the block above it, already final.
        Span<Fr> ss = stackalloc Fr[8];
        Span<Fr> t8 = stackalloc Fr[8];
        ss.Fill(sv);
        int i0 = m - 16;
        for (; i0 >= 0; i0 -= 8)
        {
            FrBatch.Mul8(ref h[i0 + 8], ref ss[0], ref t8[0]);
            for (int l = 0; l < 8; l++) Fr.Add(h[i0 + l], t8[l], out h[i0 + l]);
        }
        for (int i = Math.Min(i0 + 7, m - 9); i >= 0; i--)
        {
            Fr.Mul(h[i + 8], sv, out var w);
            Fr.Add(h[i], w, out h[i]);
        }
        return h;
    }

    /// <summary>h = B div Z by long division, for any monic Z with low coefficients <paramref name="z"/> (t = z.Length &lt; B.Length).</summary>
    internal static Fr[] LongQuotient(Fr[] b, Fr[] z)
    {
        int t = z.Length, n = b.Length;
        // Long division in place in h: h[j] holds the running remainder's coefficient j + t until step i = j + t
        // makes it final; the remainder's low t coefficients (the interpolant) are not needed, so B is not copied.
        var h = new Fr[n - t];
        b.AsSpan(t).CopyTo(h);
        // Only the non-zero coefficients of Z cost a multiplication (HyperKZG's Z = (X^8 − r^8)(X − r^8) has three).
        var nz = Enumerable.Range(0, t).Where(k => !z[k].IsZero).ToArray();
        for (int i = n - 1; i >= t; i--)
        {
            var c = h[i - t];
            if (c.IsZero) continue;
            foreach (int k in nz)
            {
                int j = i - 2 * t + k; // coefficient i − t + k of the remainder, stored at h[j] when it is ≥ t
                if (j < 0) continue;
                Fr.Mul(z[k], c, out var m); Fr.Sub(h[j], m, out h[j]);
            }
        }
        return h;
    }

    /// <summary>
    /// The second step, after the challenge ζ: W' = [(M(X) − M(ζ))/(X − ζ)]₁ with M = B − Z(ζ)·h.
    /// </summary>
    internal static G1Affine OpenMultiLinearized(Srs srs, Fr[] b, Fr[] h, ReadOnlySpan<Fr> u, in Fr zeta)
    {
        var zz = VanishingAt(u, zeta);
        int d = b.Length;
        if (d <= 1) return G1Affine.Infinity;
        // q[i−1] first holds M's coefficient i (M is not materialised), then the synthetic division by (X − ζ)
        // overwrites it in place from the top: q[i−1] = q[i]·ζ + M_i, as Quotient computes.
        var q = new Fr[d - 1];
        Polynomials.Parallelism.For(d - 1, (lo, hi) =>
        {
            for (int i = lo + 1; i <= hi; i++)
            {
                if (i < h.Length) { Fr.Mul(h[i], zz, out var t); Fr.Sub(b[i], t, out q[i - 1]); }
                else q[i - 1] = b[i];
            }
        });
        var z = zeta;
        for (int i = d - 2; i >= 1; i--) { Fr.Mul(q[i], z, out var t); Fr.Add(t, q[i - 1], out q[i - 1]); }
        return Commit(srs, q);
    }

    /// <summary>
    /// Verifier of the two-element multi-point opening: with B_s = B(u_s) claimed, I the interpolant
    /// and C_B the commitment to B, accepts iff e(C_B − I(ζ)·G − Z(ζ)·W + ζ·W', [1]₂) = e(W', [τ]₂).
    /// <paramref name="commitmentTerms"/>/<paramref name="commitmentScalars"/> give C_B as an MSM (folded into the same MSM).
    /// </summary>
    /// <remarks>Soundness (BDFG20 Thm 4.x, q-SDH/AGM): W commits to (B − I)/Z only if B agrees with I on u;
    /// W' then proves the linearised polynomial vanishes at the random ζ.</remarks>
    internal static bool VerifyMulti(in KzgVerifierKey vk, ReadOnlySpan<G1Affine> commitmentTerms, ReadOnlySpan<Fr> commitmentScalars,
        ReadOnlySpan<Fr> u, ReadOnlySpan<Fr> values, in G1Affine w, in G1Affine w2, in Fr zeta)
    {
        int k = commitmentTerms.Length;
        var iz = InterpolateAt(u, values, zeta);
        if (iz is not Fr izv) return false;
        var bases = new G1Affine[k + 3];
        var scalars = new Fr[k + 3];
        commitmentTerms.CopyTo(bases);
        commitmentScalars.CopyTo(scalars);
        bases[k] = G1Affine.Generator; scalars[k] = -izv;
        bases[k + 1] = w; scalars[k + 1] = -VanishingAt(u, zeta);
        bases[k + 2] = w2; scalars[k + 2] = zeta;
        var f = G1Msm.Compute(bases, scalars).ToAffine();
        return Pairing.CheckProduct([f, w2.Negate()], [vk.G2, vk.TauG2]);
    }

    /// <summary>Coefficients z_0 … z_{t−1} of the monic Π_s (X − u_s) (the leading 1 omitted).</summary>
    internal static Fr[] VanishingCoefficients(ReadOnlySpan<Fr> u)
    {
        var z = new Fr[u.Length + 1];
        z[0] = Fr.One;
        for (int s = 0; s < u.Length; s++)
        {
            // multiply by (X − u_s)
            for (int k = s + 1; k >= 1; k--) z[k] = z[k - 1] - u[s] * z[k];
            z[0] = -u[s] * z[0];
        }
        return z[..u.Length];
    }

    /// <summary>Π_s (x − u_s).</summary>
    internal static Fr VanishingAt(ReadOnlySpan<Fr> u, in Fr x)
    {
        var r = Fr.One;
        foreach (var us in u) r *= x - us;
        return r;
    }

    /// <summary>The interpolant of (u_s, values_s) at x (Lagrange); null when two points coincide.</summary>
    internal static Fr? InterpolateAt(ReadOnlySpan<Fr> u, ReadOnlySpan<Fr> values, in Fr x)
    {
        int t = u.Length;
        var den = new Fr[t];
        var num = new Fr[t];
        for (int s = 0; s < t; s++)
        {
            var d = Fr.One; var n = Fr.One;
            for (int j = 0; j < t; j++)
            {
                if (j == s) continue;
                d *= u[s] - u[j];
                n *= x - u[j];
            }
            if (d.IsZero) return null;
            den[s] = d; num[s] = n;
        }
        Fr.BatchInverse(den);
        var acc = Fr.Zero;
        for (int s = 0; s < t; s++) acc += values[s] * num[s] * den[s];
        return acc;
    }

    /// <summary>
    /// Batched opening of k polynomials f_j at t points u_s (prover side). With
    /// B = Σ_j q^j·f_j, the witnesses are W_s = [(B − B(u_s))/(X − u_s)]₁. The caller has put the
    /// commitments, points and the values v[s][j] = f_j(u_s) in the transcript and drawn q.
    /// </summary>
    internal static G1Affine[] OpenBatchWitnesses(Srs srs, IReadOnlyList<Fr[]> f, ReadOnlySpan<Fr> u, in Fr q)
    {
        var b = Combine(f, q);
        int n = b.Length;
        var w = new G1Affine[u.Length];
        if (n <= 1) { Array.Fill(w, G1Affine.Infinity); return w; }
        var us = u.ToArray();
        // The t synthetic divisions are sequential each, so run them side by side; the MSMs parallelise internally.
        var h = new Fr[us.Length][];
        Parallel.For(0, us.Length, s => { h[s] = new Fr[n - 1]; Quotient(b, us[s], h[s]); });
        for (int s = 0; s < us.Length; s++) w[s] = Commit(srs, h[s]);
        return w;
    }

    /// <summary>
    /// The verifier's side of the batched opening, with d drawn after the witnesses: checks
    /// e(L, [1]₂) = e(R, [τ]₂) where, with D = Σ_s d^s and B_s = Σ_j q^j·v[s][j],
    /// L = Σ_j q^j·D·C_j + Σ_s d^s·u_s·W_s − (Σ_s d^s·B_s)·G and R = Σ_s d^s·W_s.
    /// That is one MSM of k + t + 1 points, t − 1 further scalar multiplications and one
    /// 2-pair pairing check.
    /// </summary>
    /// <remarks>Soundness: Σ_s d^s·(τ − u_s)·W_s = Σ_s d^s·(B(τ) − B(u_s)) holds for random d, q only if
    /// every f_j(u_s) = v[s][j] (q-SDH; Schwartz–Zippel in q and d).</remarks>
    internal static bool VerifyBatch(in KzgVerifierKey vk, ReadOnlySpan<G1Affine> commitments, ReadOnlySpan<Fr> u,
        ReadOnlySpan<Fr> values /* t rows of k, row-major */, ReadOnlySpan<G1Affine> witnesses, in Fr q, in Fr d)
    {
        int k = commitments.Length, t = u.Length;
        if (witnesses.Length != t || values.Length != k * t) return false;
        var dPow = new Fr[t];
        dPow[0] = Fr.One;
        for (int s = 1; s < t; s++) Fr.Mul(dPow[s - 1], d, out dPow[s]);
        var dSum = Fr.Zero;
        foreach (var x in dPow) Fr.Add(dSum, x, out dSum);

        var bases = new G1Affine[k + t + 1];
        var scalars = new Fr[k + t + 1];
        var qj = dSum;
        for (int j = 0; j < k; j++) { bases[j] = commitments[j]; scalars[j] = qj; Fr.Mul(qj, q, out qj); }
        var bu = Fr.Zero;
        for (int s = 0; s < t; s++)
        {
            var bs = Fr.Zero;
            for (int j = k - 1; j >= 0; j--) { Fr.Mul(bs, q, out bs); Fr.Add(bs, values[s * k + j], out bs); }
            Fr.Mul(bs, dPow[s], out bs);
            Fr.Add(bu, bs, out bu);
            bases[k + s] = witnesses[s];
            Fr.Mul(dPow[s], u[s], out scalars[k + s]);
        }
        bases[k + t] = G1Affine.Generator;
        Fr.Neg(bu, out scalars[k + t]);
        var l = G1Msm.Compute(bases, scalars).ToAffine();
        var r = G1Jacobian.FromAffine(witnesses[0]);
        for (int s = 1; s < t; s++) r += G1Jacobian.FromAffine(witnesses[s]).ScalarMul(dPow[s]);
        return Pairing.CheckProduct([l, r.ToAffine().Negate()], [vk.G2, vk.TauG2]);
    }
}
