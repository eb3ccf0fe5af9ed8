using ZkMl.Inference;

namespace ZkMl.Inference.Tests;

public class LayoutTests
{
    [Fact]
    public void ItemsAreAlignedLargestFirst()
    {
        var l = new Layout([3, 5, 3, 0]);
        Assert.Equal(0, l.Offset(1));
        Assert.Equal(32, l.Offset(0));
        Assert.Equal(40, l.Offset(2));
        Assert.Equal(48, l.Offset(3));
        Assert.Equal(6, l.NumVars);
    }

    /// <summary>The MNIST model vector: W_0 (2^17, 784·128 entries used), b_0, W_1, b_1, a_col fit in W_0's padding rows.</summary>
    [Fact]
    public void LaterItemsFillTheHoleAtAlignedOffsets()
    {
        int[] logs = [17, 7, 11, 4, 12];
        var plain = new Layout(logs);
        Assert.Equal(18, plain.NumVars);
        var l = new Layout(logs, 0, 784L << 7);
        Assert.Equal(17, l.NumVars);
        Assert.Equal(0, l.Offset(0));
        Assert.Equal(102_400, l.Offset(4));   // a_col (2^12, placed next): the first multiple of 4096 after 784·128 = 100,352
        Assert.Equal(100_352, l.Offset(2));   // W_1 (2^11) in the gap a_col's alignment left
        Assert.Equal(106_496, l.Offset(1));   // b_0 (2^7) after a_col
        Assert.Equal(106_624, l.Offset(3));   // b_1 (2^4)
        for (int i = 0; i < logs.Length; i++) Assert.Equal(0, l.Offset(i) % l.Size(i));
        // no two items overlap, and every item but W_0 lies in [784·128, 2^17)
        var spans = Enumerable.Range(0, logs.Length).Select(i => (l.Offset(i), l.Offset(i) + l.Size(i))).OrderBy(s => s.Item1).ToArray();
        for (int i = 1; i < spans.Length; i++) Assert.True(spans[i].Item1 >= spans[i - 1].Item2 || spans[i - 1].Item1 == 0);
        for (int i = 1; i < logs.Length; i++) Assert.InRange(l.Offset(i), 784L << 7, (1L << 17) - l.Size(i));
    }

    [Fact]
    public void ItemsThatDoNotFitAreAppended()
    {
        var l = new Layout([4, 3, 3], 0, 12);   // hole [12, 16): too small for 2^3
        Assert.Equal(16, l.Offset(1));
        Assert.Equal(24, l.Offset(2));
        var m = new Layout([4, 2, 3], 0, 12);   // 2^3 is placed first (larger), appended; 2^2 fits at 12
        Assert.Equal(16, m.Offset(2));
        Assert.Equal(12, m.Offset(1));
        Assert.Equal(5, m.NumVars);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Layout([4], 0, 17));
    }
}

public class SrsTableTests
{
    [Fact]
    public void CommitmentsWithAndWithoutTheTableAgree()
    {
        var srs = ZkMl.Proofs.Srs.CreateInsecureDev(41000, 3);
        var rng = new Random(4);
        var sizes = new[] { 10, 4095, 32767, 32768, 40000, 40961 };
        var vecs = sizes.Select(n => Enumerable.Range(0, n).Select(_ => ZkMl.Algebra.Fr.Random(rng)).ToArray()).ToArray();
        var plain = vecs.Select(v => ZkMl.Proofs.Commitments.Kzg.Commit(srs, v)).ToArray();
        srs.AttachTable(ZkMl.Algebra.FixedBaseTable.Build(srs.G1Powers[..36000]));
        for (int i = 0; i < vecs.Length; i++) Assert.Equal(plain[i], ZkMl.Proofs.Commitments.Kzg.Commit(srs, vecs[i]));
        var other = ZkMl.Proofs.Srs.CreateInsecureDev(100, 5);
        Assert.Throws<ArgumentException>(() => other.AttachTable(ZkMl.Algebra.FixedBaseTable.Build(srs.G1Powers[..50])));
        Assert.Throws<ArgumentException>(() => other.AttachTable(ZkMl.Algebra.FixedBaseTable.Build(srs.G1Powers[..200])));
    }
}
