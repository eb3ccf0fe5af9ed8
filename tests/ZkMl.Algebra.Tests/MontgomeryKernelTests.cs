using CsCheck;
using ZkMl.TestKit;

namespace ZkMl.Algebra.Tests;

/// <summary>
/// The REDC round's shortcut (<c>RedcHigh</c>: the high word of m·P0 + t for m = t·Inv, whose low word is 0) against
/// its full twin (<c>MAdd0</c>, which computes the low word and its carry), for both fields; the products built on
/// it are checked against BigInteger in <see cref="FieldTests{T}"/>.
/// </summary>
public class MontgomeryKernelTests
{
    private static readonly ulong[] EdgeWords = [0, 1, 2, ulong.MaxValue, ulong.MaxValue - 1, 1UL << 63, (1UL << 63) - 1, Fr.P0, Fq.P0, 0x0000_0000_FFFF_FFFFUL];

    [Fact]
    public void FrRedcHighMatchesTheFullMultiplyAdd()
    {
        foreach (var t in EdgeWords) Assert.Equal(Fr.MAdd0(t * Fr.Inv, Fr.P0, t), Fr.RedcHigh(t * Fr.Inv, t));
        Props.Check(Gen.ULong, t =>
        {
            ulong m = t * Fr.Inv;
            Assert.Equal(0UL, m * Fr.P0 + t); // the premise: the low word vanishes
            Assert.Equal(Fr.MAdd0(m, Fr.P0, t), Fr.RedcHigh(m, t));
        }, 201, 2000);
    }

    [Fact]
    public void FqRedcHighMatchesTheFullMultiplyAdd()
    {
        foreach (var t in EdgeWords) Assert.Equal(Fq.MAdd0(t * Fq.Inv, Fq.P0, t), Fq.RedcHigh(t * Fq.Inv, t));
        Props.Check(Gen.ULong, t =>
        {
            ulong m = t * Fq.Inv;
            Assert.Equal(0UL, m * Fq.P0 + t);
            Assert.Equal(Fq.MAdd0(m, Fq.P0, t), Fq.RedcHigh(m, t));
        }, 202, 2000);
    }
}
