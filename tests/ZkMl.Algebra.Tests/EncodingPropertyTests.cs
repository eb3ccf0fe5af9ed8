using CsCheck;
using ZkMl.Algebra.Evm;
using ZkMl.TestKit;

namespace ZkMl.Algebra.Tests;

/// <summary>EVM point encodings on generated points (<see cref="Gens.G1"/>, <see cref="Gens.G2"/>: k·G for edge and uniform k,
/// infinity included) and on generated 64/128-byte strings, which decode only when they name a point.</summary>
public class EncodingPropertyTests
{
    [Fact]
    public void G1RoundTripsAndNegates() => Props.Check(Gens.G1, p =>
    {
        var bytes = EvmEncoding.EncodeG1(p);
        Assert.True(EvmEncoding.TryDecodeG1(bytes, out var back, out var error), error);
        Assert.Equal(p, back);
        Assert.True(EvmEncoding.TryDecodeG1(EvmEncoding.EncodeG1(p.Negate()), out var neg, out _));
        Assert.True((G1Jacobian.FromAffine(back) + neg).IsInfinity);
    }, seed: 0xE1, iter: 100);

    [Fact]
    public void G2RoundTrips() => Props.Check(Gens.G2, q =>
    {
        var bytes = EvmEncoding.EncodeG2(q);
        Assert.True(EvmEncoding.TryDecodeG2(bytes, out var back, out var error), error);
        Assert.Equal(q, back);
    }, seed: 0xE2, iter: 30);

    [Fact]
    public void ArbitraryBytesDecodeOnlyToCurvePoints() => Props.Check(Gen.Byte.Array[64], b =>
    {
        if (EvmEncoding.TryDecodeG1(b, out var p, out _)) Assert.True(p.IsOnCurve);
    }, seed: 0xE3, iter: 500);
}
