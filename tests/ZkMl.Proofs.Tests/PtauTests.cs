using System.Buffers.Binary;
using System.Numerics;
using ZkMl.Algebra;

namespace ZkMl.Proofs.Tests;

[Collection(PtauCollection.Name)]
public class PtauTests(PtauFixture ptau)
{
    private const int FullDegree = (1 << PtauFixture.Power) * 2 - 2; // 2^power·2−1 powers

    /// <summary>Byte offset of the body of section <paramref name="id"/> in a ptau file.</summary>
    private static int SectionOffset(byte[] file, int id)
    {
        int n = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8));
        long pos = 12;
        for (int i = 0; i < n; i++)
        {
            int sid = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan((int)pos));
            long size = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan((int)pos + 4));
            pos += 12;
            if (sid == id) return (int)pos;
            pos += size;
        }
        throw new InvalidOperationException("no section " + id);
    }

    private static SrsFormatException Fails(string path, int maxDegree = 16)
    {
        var e = Assert.Throws<SrsFormatException>(() => Srs.FromPtau(path, maxDegree));
        Assert.Equal(path, e.FilePath);
        Assert.Contains(path, e.Message);
        return e;
    }

    [Fact]
    public void ReadsContributedFileAndValidatesPowers()
    {
        var srs = Srs.FromPtau(ptau.Contributed, FullDegree);
        Assert.Equal(FullDegree, srs.MaxDegree);
        Assert.False(srs.IsInsecure);
        Assert.DoesNotContain("INSECURE", srs.ToString());
        Assert.Contains("pot1.ptau", srs.Description);
        Assert.Equal(G1Affine.Generator, srs.G1Powers[0]);
        Assert.Equal(G2Affine.Generator, srs.G2);
        // e(τG, [1]₂) = e(G, [τ]₂) and e(τ²G, [1]₂) = e(τG, [τ]₂): the file's τ is consistent across groups.
        Assert.True(Pairing.CheckProduct([srs.G1Powers[1], srs.G1Powers[0].Negate()], [srs.G2, srs.TauG2]));
        Assert.True(Pairing.CheckProduct([srs.G1Powers[2], srs.G1Powers[1].Negate()], [srs.G2, srs.TauG2]));
        Assert.False(Pairing.CheckProduct([srs.G1Powers[2], srs.G1Powers[0].Negate()], [srs.G2, srs.TauG2]));
    }

    [Fact]
    public void Phase2FileGivesTheSamePowers()
    {
        var a = Srs.FromPtau(ptau.Contributed, 40);
        var b = Srs.FromPtau(ptau.Phase2, 40);
        Assert.Contains("phase-2", b.Description);
        Assert.True(a.G1Powers.SequenceEqual(b.G1Powers));
        Assert.Equal(a.TauG2, b.TauG2);
    }

    [Fact]
    public void LoadsOnlyThePrefix()
    {
        var full = Srs.FromPtau(ptau.Contributed, FullDegree);
        var small = Srs.FromPtau(ptau.Contributed, 7);
        Assert.Equal(7, small.MaxDegree);
        Assert.True(full.G1Powers[..8].SequenceEqual(small.G1Powers));
        Assert.True(full.Truncate(7).G1Powers.SequenceEqual(small.G1Powers));
    }

    [Fact]
    public void TooSmallFileIsRejected()
    {
        var e = Fails(ptau.Contributed, FullDegree + 1);
        Assert.Contains("too small", e.Problem);
    }

    [Fact]
    public void MissingFileIsRejected()
    {
        var e = Fails(Path.Combine(ptau.Dir, "nope.ptau"));
        Assert.Contains("not found", e.Problem);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(60)]
    [InlineData(5000)]
    [InlineData(-200)]
    public void TruncatedFileIsRejected(int keep)
    {
        var path = ptau.Variant(ptau.Contributed, $"trunc{keep}.ptau", b => b[..(keep > 0 ? keep : b.Length + keep)]);
        var e = Fails(path);
        Assert.Contains("truncated", e.Problem);
    }

    [Fact]
    public void BadMagicIsRejected()
    {
        var path = ptau.Variant(ptau.Contributed, "magic.ptau", b => { b[0] = (byte)'z'; return b; });
        Assert.Contains("magic", Fails(path).Problem);
    }

    [Fact]
    public void OtherCurveIsRejected()
    {
        Assert.Contains("wrong curve", Fails(ptau.Bls).Problem);
        // Same element size, different prime.
        var path = ptau.Variant(ptau.Contributed, "q.ptau", b => { b[SectionOffset(b, 1) + 4] ^= 2; return b; });
        Assert.Contains("wrong curve", Fails(path).Problem);
    }

    [Fact]
    public void CorruptG1PointIsRejected()
    {
        var path = ptau.Variant(ptau.Contributed, "g1.ptau", b => { b[SectionOffset(b, 2) + 5 * 64 + 3] ^= 1; return b; });
        Assert.Contains("tauG1[5]", Fails(path).Problem);
    }

    [Fact]
    public void NonCanonicalCoordinateIsRejected()
    {
        var path = ptau.Variant(ptau.Contributed, "big.ptau", b => { b.AsSpan(SectionOffset(b, 2) + 3 * 64, 32).Fill(0xff); return b; });
        var e = Fails(path);
        Assert.Contains("tauG1[3]", e.Problem);
        Assert.Contains("prime", e.Problem);
    }

    [Fact]
    public void SwappedPowersFailThePairingCheck()
    {
        var path = ptau.Variant(ptau.Contributed, "swap.ptau", b =>
        {
            int o = SectionOffset(b, 2);
            var t = b.AsSpan(o + 3 * 64, 64).ToArray();
            b.AsSpan(o + 4 * 64, 64).CopyTo(b.AsSpan(o + 3 * 64));
            t.CopyTo(b.AsSpan(o + 4 * 64));
            return b;
        });
        Assert.Contains("pairing check", Fails(path).Problem);
        // The same file is fine for a prefix that does not reach the swapped powers.
        Assert.Equal(2, Srs.FromPtau(path, 2).MaxDegree);
    }

    [Fact]
    public void CorruptTauG2IsRejected()
    {
        var path = ptau.Variant(ptau.Contributed, "g2.ptau", b => { b[SectionOffset(b, 3) + 128 + 7] ^= 1; return b; });
        Assert.Contains("tauG2[1]", Fails(path).Problem);
    }

    [Fact]
    public void WrongSectionSizeIsRejected()
    {
        // Claim power 9 in the header: section 2 no longer has 2^9·2−1 points.
        var path = ptau.Variant(ptau.Contributed, "power.ptau", b => { b[SectionOffset(b, 1) + 36] = 9; return b; });
        Assert.Contains("section 2", Fails(path).Problem);
    }

    [Fact]
    public void TauG2OutsideTheSubgroupIsRejected()
    {
        var t = RandomTwistPoint(new Random(5));
        Assert.True(t.IsOnCurve);
        Assert.False(t.IsInSubgroup);
        var path = ptau.Variant(ptau.Contributed, "subgroup.ptau", b =>
        {
            int o = SectionOffset(b, 3) + 128;
            WriteMontgomery(b.AsSpan(o), t.X.C0);
            WriteMontgomery(b.AsSpan(o + 32), t.X.C1);
            WriteMontgomery(b.AsSpan(o + 64), t.Y.C0);
            WriteMontgomery(b.AsSpan(o + 96), t.Y.C1);
            return b;
        });
        var e = Fails(path);
        Assert.Contains("tauG2[1]", e.Problem);
        Assert.Contains("subgroup", e.Problem);
    }

    private static void WriteMontgomery(Span<byte> dst, Fq v)
    {
        var m = (v.ToBigInteger() << 256) % Fq.Modulus;
        var bytes = m.ToByteArray(isUnsigned: true, isBigEndian: false);
        dst[..32].Clear();
        bytes.CopyTo(dst);
    }

    /// <summary>A random point of the BN254 twist E'(F_p²): y² = x³ + b'; almost surely not in G2 (cofactor ≈ p).</summary>
    private static G2Affine RandomTwistPoint(Random rng)
    {
        var p = Fq.Modulus;
        while (true)
        {
            var x = Fq2.Random(rng);
            var rhs = x * x * x + G2Affine.B;
            // Square root in F_p² for p ≡ 3 (mod 4): a1 = rhs^((p−3)/4), α = a1²·rhs, x0 = a1·rhs,
            // y = (1 + α)^((p−1)/2)·x0 (valid when α ≠ −1; retry otherwise).
            var a1 = rhs.Pow((p - 3) / 4);
            var alpha = a1 * a1 * rhs;
            if (alpha == -Fq2.One) continue;
            var y = (Fq2.One + alpha).Pow((p - 1) / 2) * (a1 * rhs);
            if (y * y == rhs) return new G2Affine(x, y);
        }
    }
}
