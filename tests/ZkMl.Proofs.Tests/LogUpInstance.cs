using ZkMl.Algebra;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Polynomials;

namespace ZkMl.Proofs.Tests;

/// <summary>A LogUp instance for the tests: witness F, table T, multiplicities M, helpers h_w and h_t for challenge α.</summary>
internal sealed record LogUpInstance(Fr[] F, Fr[] T, Fr[] M, Fr[] Hw, Fr[] Ht, Fr Alpha)
{
    public int N => System.Numerics.BitOperations.Log2((uint)F.Length);
    public int Mv => System.Numerics.BitOperations.Log2((uint)T.Length);

    public Fr[] Vector(LogUpPolynomial p) => p switch
    {
        LogUpPolynomial.Witness => F,
        LogUpPolynomial.Table => T,
        LogUpPolynomial.Multiplicities => M,
        LogUpPolynomial.WitnessHelper => Hw,
        _ => Ht,
    };

    /// <summary>True iff every claim matches the true MLE evaluation of the vector it names.</summary>
    public bool ClaimsHold(IReadOnlyList<LogUpClaim> claims) =>
        claims.All(c => DenseMle.Evaluate(Vector(c.Polynomial), c.Point) == c.Value);
}
