namespace ZkMl.Algebra;

public readonly partial struct G2Jacobian
{
    /// <summary>[k]P for k in F_r (fixed 4-bit windows over the canonical scalar).</summary>
    public G2Jacobian ScalarMul(in Fr k)
    {
        k.ToCanonicalLimbs(out var c0, out var c1, out var c2, out var c3);
        ReadOnlySpan<ulong> limbs = [c0, c1, c2, c3];
        ScalarMul(this, limbs, out var r);
        return r;
    }
}
