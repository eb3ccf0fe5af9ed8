namespace ZkMl.Algebra;

public readonly partial struct G1Jacobian
{
    /// <summary>[k]P for k in F_r (GLV split k ≡ k1 + k2·λ, then a joint 4-bit window over the two ≈128-bit halves).</summary>
    public G1Jacobian ScalarMul(in Fr k)
    {
        G1Glv.ScalarMul(this, k, out var r);
        return r;
    }
}
