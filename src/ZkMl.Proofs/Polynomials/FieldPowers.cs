using ZkMl.Algebra;

namespace ZkMl.Proofs.Polynomials;

/// <summary>Small powers the sub-protocols use: 2^e, 2^−e and x^0 … x^(n−1) in Fr.</summary>
internal static class FieldPowers
{
    /// <summary>2^e (e ≥ 0) by doublings.</summary>
    public static Fr TwoTo(int e)
    {
        var r = Fr.One;
        for (int i = 0; i < e; i++) Fr.Double(r, out r);
        return r;
    }

    /// <summary>2^−e (e ≥ 0).</summary>
    public static Fr InverseTwoTo(int e) => TwoTo(e).Inverse();

    /// <summary>x^0 … x^(n−1).</summary>
    public static Fr[] Of(in Fr x, int n)
    {
        var p = new Fr[n];
        if (n == 0) return p;
        p[0] = Fr.One;
        for (int i = 1; i < n; i++) Fr.Mul(p[i - 1], x, out p[i]);
        return p;
    }
}
