using System.Buffers.Binary;
using System.Numerics;
using System.Text.Json;
using Xunit.Abstractions;
using ZkMl.Algebra;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// The blinding base H = alphaTauG1[0] (docs/protocol.md "SRS", ZK mode; docs/zk-design.md A2, §10.10): read
/// from snarkjs files, validated, stored in the cache, derived for the development SRS, and the provenance check.
/// </summary>
[Collection(PtauCollection.Name)]
public class BlindingBaseTests(PtauFixture ptau, ITestOutputHelper output)
{
    private static readonly BigInteger P = Fq.Modulus;

    /// <summary>(offset, size) of the body of section <paramref name="id"/> of a ptau file.</summary>
    private static (int Offset, int Size) Section(byte[] file, int id)
    {
        int n = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8));
        long pos = 12;
        for (int i = 0; i < n; i++)
        {
            int sid = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan((int)pos));
            long size = BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan((int)pos + 4));
            pos += 12;
            if (sid == id) return ((int)pos, (int)size);
            pos += size;
        }
        throw new InvalidOperationException("no section " + id);
    }

    /// <summary>Byte offset of the last (here: only) contribution's alphaG1 in section 7.</summary>
    private static int ContributionAlphaAt(byte[] file)
    {
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(Section(file, 7).Offset)));
        return Section(file, 7).Offset + 4 + 64 + 128;
    }

    /// <summary>The raw point (x ‖ y little-endian Montgomery) negated: y ↦ p − y in Montgomery form too.</summary>
    private static byte[] Negate(ReadOnlySpan<byte> raw)
    {
        var r = raw[..64].ToArray();
        var y = new BigInteger(raw.Slice(32, 32), isUnsigned: true, isBigEndian: false);
        var ny = (P - y) % P;
        r.AsSpan(32, 32).Clear();
        ny.ToByteArray(isUnsigned: true, isBigEndian: false).CopyTo(r, 32);
        return r;
    }

    /// <summary>A copy of the contributed file whose H (and, with <paramref name="fixContribution"/>, the contribution's alphaG1) is <paramref name="h"/>.</summary>
    private string WithH(string name, Func<byte[], byte[]> h, bool fixContribution = true) => ptau.Variant(ptau.Contributed, name, b =>
    {
        var point = h(b);
        point.CopyTo(b, Section(b, 4).Offset);
        if (fixContribution) point.CopyTo(b, ContributionAlphaAt(b));
        return b;
    });

    /// <summary>The planted file of A2: section 4 := tauG1 shifted by j (alphaTauG1[i] = τ^(i+j)·G, α = τ^j), the contribution patched too.</summary>
    private string Planted(int j) => ptau.Variant(ptau.Contributed, $"planted{j}-{Guid.NewGuid():N}.ptau", b =>
    {
        var (a4, s4) = Section(b, 4);
        int t2 = Section(b, 2).Offset;
        b.AsSpan(t2 + 64 * j, s4).CopyTo(b.AsSpan(a4));
        b.AsSpan(a4, 64).CopyTo(b.AsSpan(ContributionAlphaAt(b)));
        return b;
    });

    private static SrsFormatException Fails(string path, int maxDegree = 16)
    {
        var e = Assert.Throws<SrsFormatException>(() => Srs.FromPtau(path, maxDegree));
        Assert.Equal(path, e.FilePath);
        return e;
    }

    [Fact]
    public void Blinding_base_is_alphaTauG1_0_as_snarkjs_reads_it()
    {
        var srs = Srs.FromPtau(ptau.Phase2, 16);
        var h = Assert.NotNull(srs.BlindingBase);
        Assert.True(h.IsOnCurve);
        Assert.False(h.IsInfinity);
        // The same in the file before phase-2 preparation, and a prefix read gives the same H.
        Assert.Equal(h, Srs.FromPtau(ptau.Contributed, 2).BlindingBase);

        var file = File.ReadAllBytes(ptau.Phase2);
        // It is the start of the α-powers: e(α·τ·G, [1]₂) = e(α·G, [τ]₂) with alphaTauG1[1] from the file.
        int a4 = Section(file, 4).Offset;
        Assert.True(PtauFile.ReadFq(file.AsSpan(a4 + 64), out var x1));
        Assert.True(PtauFile.ReadFq(file.AsSpan(a4 + 96), out var y1));
        var alphaTau = new G1Affine(x1, y1);
        Assert.True(Pairing.CheckProduct([alphaTau, h.Negate()], [srs.G2, srs.TauG2]));
        Assert.False(Pairing.CheckProduct([srs.G1Powers[2], h.Negate()], [srs.G2, srs.TauG2]));

        // Differential: snarkjs's own export. Its JSON prints each G1 point of section 4 as the field element
        // whose Montgomery bytes are the point's first 32 bytes (the x coordinate's, mod r), so compare that.
        var json = Path.Combine(ptau.Dir, $"export-{Guid.NewGuid():N}.json");
        ZkMl.TestKit.Snarkjs.Run("powersoftau", "export", "json", ptau.Phase2, json);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var exported = BigInteger.Parse(doc.RootElement.GetProperty("alphaTauG1")[0].GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var xMont = (h.X.ToBigInteger() << 256) % P;
        var asSnarkjs = xMont % Fr.Modulus * BigInteger.ModPow(BigInteger.ModPow(2, 256, Fr.Modulus), Fr.Modulus - 2, Fr.Modulus) % Fr.Modulus;
        Assert.Equal(exported, asSnarkjs);
        // and the control: tauG1[1] is not what snarkjs prints for alphaTauG1[0]
        var tMont = (srs.G1Powers[1].X.ToBigInteger() << 256) % P;
        Assert.NotEqual(exported, tMont % Fr.Modulus * BigInteger.ModPow(BigInteger.ModPow(2, 256, Fr.Modulus), Fr.Modulus - 2, Fr.Modulus) % Fr.Modulus);
    }

    [Fact]
    public void Section_4_replaced_without_the_contribution_is_refused()
    {
        var path = WithH($"swap-{Guid.NewGuid():N}.ptau", b => b.AsSpan(Section(b, 2).Offset + 64 * 3, 64).ToArray(), fixContribution: false);
        var e = Fails(path);
        Assert.Contains("section 4 (alphaTauG1)", e.Problem);
        Assert.Contains("last contribution's alphaG1 (section 7)", e.Problem);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    public void Planted_shift_of_the_tau_powers_is_refused(int j)
    {
        var e = Fails(Planted(j));
        Assert.Contains("alphaTauG1[0] (.ptau section 4)", e.Problem);
        Assert.Contains($"equals tauG1[{j}]", e.Problem);
        Assert.Contains($"α = τ^{j}", e.Problem);
    }

    [Fact]
    public void Negated_tau_power_and_degenerate_points_are_refused()
    {
        var neg = WithH($"neg-{Guid.NewGuid():N}.ptau", b => Negate(b.AsSpan(Section(b, 2).Offset + 64 * 3, 64)));
        Assert.Contains("equals −tauG1[3]", Fails(neg).Problem);
        var negG = WithH($"negg-{Guid.NewGuid():N}.ptau", b => Negate(b.AsSpan(Section(b, 2).Offset, 64)));
        Assert.Contains("equals −tauG1[0]", Fails(negG).Problem);

        var inf = WithH($"inf-{Guid.NewGuid():N}.ptau", _ => new byte[64]);
        Assert.Contains("point at infinity", Fails(inf).Problem);

        var off = WithH($"off-{Guid.NewGuid():N}.ptau", b =>
        {
            var p = b.AsSpan(Section(b, 4).Offset, 64).ToArray();
            p[40] ^= 1;
            return p;
        });
        var e = Fails(off);
        Assert.Contains("section 4", e.Problem);
        Assert.Contains("not on the BN254 curve", e.Problem);

        var big = WithH($"big-{Guid.NewGuid():N}.ptau", b =>
        {
            var p = b.AsSpan(Section(b, 4).Offset, 64).ToArray();
            p.AsSpan(0, 32).Fill(0xff);
            return p;
        });
        Assert.Contains("section 4 (alphaTauG1): alphaTauG1[0] has a coordinate not below", Fails(big).Problem);
    }

    /// <summary>A point in the .ptau encoding: x ‖ y, each 32-byte little-endian Montgomery (value·2^256 mod p).</summary>
    private static byte[] Raw(in G1Affine point)
    {
        var r = new byte[64];
        foreach (var (v, at) in new[] { (point.X.ToBigInteger(), 0), (point.Y.ToBigInteger(), 32) })
            ((v << 256) % P).ToByteArray(isUnsigned: true, isBigEndian: false).CopyTo(r, at);
        return r;
    }

    /// <summary>
    /// Review (session 14): α = c for a small or power-of-two c is as known as τ = c, and the same cheap search finds
    /// it (H = c·G, contribution's alphaG1 patched to match). A planter who picks a random c is not caught by any
    /// check of the file (H is then distributed exactly as an honest α·G): that case rests on the provenance check.
    /// </summary>
    [Theory]
    [InlineData("2")]
    [InlineData("4096")]
    [InlineData("-77")]
    [InlineData("2^100")]
    public void Blinding_base_with_a_small_known_alpha_is_refused(string alpha)
    {
        bool neg = alpha.StartsWith('-');
        string abs = alpha.TrimStart('-');
        BigInteger v = abs.StartsWith("2^", StringComparison.Ordinal) ? BigInteger.Pow(2, int.Parse(abs[2..], System.Globalization.CultureInfo.InvariantCulture)) : BigInteger.Parse(abs, System.Globalization.CultureInfo.InvariantCulture);
        var a = Fr.FromBigInteger(v % Fr.Modulus);
        if (neg) a = -a;
        var h = G1Jacobian.Generator.ScalarMul(a).ToAffine();
        var e = Fails(WithH($"alpha-{Guid.NewGuid():N}.ptau", _ => Raw(h)));
        Assert.Contains("alphaTauG1[0] (.ptau section 4)", e.Problem);
        Assert.Contains($"α = {(neg ? "−" : "")}{abs}", e.Problem);
        // The cache reader applies the same check (a cache file is validated like the .ptau it came from).
        var honest = Srs.FromPtau(ptau.Contributed, 16);
        var cache = Path.Combine(ptau.Dir, $"alpha-{Guid.NewGuid():N}.srs");
        var bytes = honest.ToBytes(withBlindingBase: true);
        int hAt = bytes.AsSpan().IndexOf(Raw(honest.BlindingBase!.Value));
        Assert.True(hAt > 0);
        Raw(h).CopyTo(bytes, hAt);
        System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        File.WriteAllBytes(cache, bytes);
        Assert.Contains($"α = {(neg ? "−" : "")}{abs}", Assert.Throws<SrsFormatException>(() => Srs.Load(cache)).Problem);
        // A random α (the honest file's) passes.
        Assert.NotNull(Srs.FromPtau(ptau.Contributed, 16).BlindingBase);
    }

    [Fact]
    public void A_shift_beyond_the_powers_read_passes_the_file_check_but_not_the_pinned_check()
    {
        // α = τ^40 is not among the 17 powers read: the file alone cannot tell (A2); the pin of the honest file can.
        var honest = Srs.FromPtau(ptau.Contributed, 16);
        var planted = Srs.FromPtau(Planted(40), 16);
        Assert.Equal(honest.TauG2, planted.TauG2);
        Assert.NotEqual(honest.BlindingBase, planted.BlindingBase);
        PinnedCeremony[] pins = [PinnedCeremony.Of("test ceremony", honest)];

        var ok = SrsProvenance.CheckBlindingBase(honest, pins);
        Assert.Equal(BlindingBaseVerdict.PinnedCeremony, ok.Verdict);
        Assert.Equal("test ceremony", ok.Ceremony);
        Assert.True(ok.Allows(userVerified: false));

        var bad = SrsProvenance.CheckBlindingBase(planted, pins);
        Assert.Equal(BlindingBaseVerdict.PlantedBlindingBase, bad.Verdict);
        Assert.Contains("alphaTauG1[0]", bad.Message);
        Assert.Contains("test ceremony", bad.Message);
        Assert.False(bad.Allows(userVerified: true));

        // The larger read sees it.
        Assert.Contains("equals tauG1[40]", Fails(Planted(40), 60).Problem);
    }

    [Fact]
    public void Unknown_ceremony_needs_the_users_verification_and_development_is_labelled()
    {
        var honest = Srs.FromPtau(ptau.Contributed, 16);
        var other = Srs.CreateInsecureDev(16, 3);
        var unknown = SrsProvenance.CheckBlindingBase(honest, [PinnedCeremony.Of("another", Srs.FromTau(Fr.FromInt64(77), 4, "x", Fr.FromInt64(78)))]);
        Assert.Equal(BlindingBaseVerdict.UnknownCeremony, unknown.Verdict);
        Assert.Contains("verif", unknown.Message);
        Assert.False(unknown.Allows(userVerified: false));
        Assert.True(unknown.Allows(userVerified: true));
        // With the project's pin table as it is (empty until the recommended ceremony's values are read from its files).
        Assert.Equal(BlindingBaseVerdict.UnknownCeremony, SrsProvenance.CheckBlindingBase(honest).Verdict);

        var dev = SrsProvenance.CheckBlindingBase(other);
        Assert.Equal(BlindingBaseVerdict.Development, dev.Verdict);
        Assert.Contains("INSECURE", dev.Message);

        var none = SrsProvenance.CheckBlindingBase(Srs.FromTau(Fr.FromInt64(5), 4, "no α"));
        Assert.Equal(BlindingBaseVerdict.Missing, none.Verdict);
        Assert.False(none.Allows(userVerified: true));
    }

    [Fact]
    public void File_without_section_4_has_no_blinding_base_and_a_wrong_size_is_refused()
    {
        // Section 4 renamed to an unused id (99): the file reads as before, without H.
        var path = ptau.Variant(ptau.Contributed, $"no4-{Guid.NewGuid():N}.ptau", b =>
        {
            int n = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(8));
            long pos = 12;
            for (int i = 0; i < n; i++)
            {
                int sid = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan((int)pos));
                long size = BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan((int)pos + 4));
                if (sid == 4) BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan((int)pos), 99);
                pos += 12 + size;
            }
            return b;
        });
        var srs = Srs.FromPtau(path, 16);
        Assert.Null(srs.BlindingBase);
        Assert.Equal(BlindingBaseVerdict.Missing, SrsProvenance.CheckBlindingBase(srs).Verdict);
        Assert.True(Srs.FromPtau(ptau.Contributed, 16).G1Powers.SequenceEqual(srs.G1Powers));

        // A section 4 of the wrong size (one point short: the size field and the file both shrink).
        var shortPath = ptau.Variant(ptau.Contributed, $"short4-{Guid.NewGuid():N}.ptau", b =>
        {
            var (o, size) = Section(b, 4);
            BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(o - 8), size - 64);
            return [.. b.AsSpan(0, o + size - 64), .. b.AsSpan(o + size)];
        });
        var e = Fails(shortPath);
        Assert.Contains("section 4 (alphaTauG1)", e.Problem);
        Assert.Contains("expected", e.Problem);
    }

    [Fact]
    public void Development_srs_derives_alpha_after_tau_from_its_seed()
    {
        var a = Srs.CreateInsecureDev(20, seed: 5);
        var (tau, alpha) = Srs.DevSecrets(5);
        Assert.Equal(G1Jacobian.Generator.ScalarMul(alpha).ToAffine(), a.BlindingBase);
        Assert.Equal(a.BlindingBase, Srs.CreateInsecureDev(20, seed: 5).BlindingBase);
        Assert.NotEqual(a.BlindingBase, Srs.CreateInsecureDev(20, seed: 6).BlindingBase);
        // τ is drawn first, as before H existed, so the powers (and default-mode keys and proofs) are unchanged.
        Assert.True(Srs.FromTau(tau, 20, "same τ").G1Powers.SequenceEqual(a.G1Powers));
        Assert.NotEqual(tau, alpha);

        var r1 = Srs.CreateInsecureDev(4);
        var r2 = Srs.CreateInsecureDev(4);
        Assert.NotNull(r1.BlindingBase);
        Assert.NotEqual(r1.BlindingBase, r2.BlindingBase);
        Assert.NotEqual(r1.BlindingBase, r1.G1Powers[1]);
    }

    [Fact]
    public void Cache_stores_the_blinding_base_and_the_key_layout_does_not()
    {
        var srs = Srs.FromPtau(ptau.Contributed, 30);
        var v3 = Srs.FromBytes(srs.ToBytes(withBlindingBase: true), "x.srs");
        Assert.Equal(srs.BlindingBase, v3.BlindingBase);
        Assert.True(srs.G1Powers.SequenceEqual(v3.G1Powers));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(srs.ToBytes(true).AsSpan(8)));

        // The layout default-mode proving keys embed: version 2, no H, byte for byte the old format.
        var v2bytes = srs.ToBytes();
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(v2bytes.AsSpan(8)));
        Assert.Equal(srs.ToBytes(true).Length - 4 - 64, v2bytes.Length);
        Assert.Null(Srs.FromBytes(v2bytes, "k.srs").BlindingBase);
        // An SRS without H in version 3: flags 0.
        var noH = Srs.FromTau(Fr.FromInt64(9), 8, "no α");
        Assert.Null(Srs.FromBytes(noH.ToBytes(true), "n.srs").BlindingBase);
        Assert.Equal(noH.ToBytes(true).Length - 4, noH.ToBytes().Length);

        // Unknown flags, and an H that is a τ-power (digest fixed up so that only the checks can notice).
        var b = srs.ToBytes(true);
        int dlen = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16 + SrsOrigin.EncodedLength));
        int flagsAt = 20 + SrsOrigin.EncodedLength + dlen + 256;
        var flagged = (byte[])b.Clone();
        flagged[flagsAt] = 3;
        Reseal(flagged);
        Assert.Contains("unknown SRS flags", Assert.Throws<SrsFormatException>(() => Srs.FromBytes(flagged, "f.srs")).Problem);
        var planted = (byte[])b.Clone();
        planted.AsSpan(flagsAt + 4 + 64 + 64 * 2, 64).CopyTo(planted.AsSpan(flagsAt + 4));
        Reseal(planted);
        Assert.Contains("equals tauG1[2]", Assert.Throws<SrsFormatException>(() => Srs.FromBytes(planted, "p.srs")).Problem);
    }

    /// <summary>The version-2 layout is byte for byte what zkml wrote before the blinding base existed (digest from main at 6580333).</summary>
    [Fact]
    public void Key_layout_is_unchanged()
    {
        var dev = Srs.CreateInsecureDev(63, seed: 5);
        Assert.NotNull(dev.BlindingBase);
        Assert.Equal("7b5df219d0d6ae31aa53a401cc1de8a4cd291e30d60b2b67705a609a1038e972", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(dev.ToBytes())));
    }

    private static void Reseal(byte[] b) => System.Security.Cryptography.SHA256.HashData(b.AsSpan(0, b.Length - 32), b.AsSpan(b.Length - 32));

    [Fact]
    public void Old_cache_entry_without_blinding_base_is_rebuilt_not_misread()
    {
        var dir = Path.Combine(ptau.Dir, "hcache-" + Guid.NewGuid().ToString("N")[..6]);
        var fresh = Srs.FromPtauCached(ptau.Contributed, 20, dir);
        var cache = Directory.GetFiles(dir, "*.srs").Single();
        Assert.Equal(fresh.BlindingBase, Srs.Load(cache).BlindingBase);
        // What the previous zkml wrote at the same path: version 2, no H.
        File.WriteAllBytes(cache, fresh.ToBytes());
        Assert.Null(Srs.Load(cache).BlindingBase);
        var warnings = new List<string>();
        var again = Srs.FromPtauCached(ptau.Contributed, 20, dir, warnings.Add);
        Assert.Equal(fresh.BlindingBase, again.BlindingBase);
        Assert.Contains(warnings, w => w.Contains("older zkml") && w.Contains("blinding base"));
        Assert.Equal(fresh.BlindingBase, Srs.Load(cache).BlindingBase);

        // A cache entry with another H (a valid point, digest intact) is not used either.
        var other = Srs.CreateInsecureDev(20, 1).BlindingBase!.Value;
        var b = File.ReadAllBytes(cache);
        int dlen = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16 + SrsOrigin.EncodedLength));
        int hAt = 20 + SrsOrigin.EncodedLength + dlen + 256 + 4;
        WriteMontgomery(b.AsSpan(hAt), other.X);
        WriteMontgomery(b.AsSpan(hAt + 32), other.Y);
        Reseal(b);
        File.WriteAllBytes(cache, b);
        Assert.Equal(other, Srs.Load(cache).BlindingBase);
        warnings.Clear();
        var third = Srs.FromPtauCached(ptau.Contributed, 20, dir, warnings.Add);
        Assert.Equal(fresh.BlindingBase, third.BlindingBase);
        Assert.Contains(warnings, w => w.Contains("blinding base H differs from the ceremony file's alphaTauG1[0]"));
    }

    private static void WriteMontgomery(Span<byte> dst, Fq v)
    {
        var m = (v.ToBigInteger() << 256) % P;
        dst[..32].Clear();
        m.ToByteArray(isUnsigned: true, isBigEndian: false).CopyTo(dst);
    }

    /// <summary>
    /// docs/zk-design.md §12.10: the recommended ceremony's files of two sizes share ([τ]₂, H), and that pair is
    /// pinned. Needs the files (not shipped: large downloads); set ZKML_PINNED_PTAU_DIR to a folder with at least
    /// two <c>powersOfTau28_hez_final_*.ptau</c> files.
    /// </summary>
    [Fact]
    public void Pinned_ceremony_matches_its_files()
    {
        var dir = Environment.GetEnvironmentVariable("ZKML_PINNED_PTAU_DIR");
        var files = dir is null || !Directory.Exists(dir) ? [] : Directory.GetFiles(dir, "powersOfTau28_hez_final_*.ptau").Order().ToArray();
        if (files.Length < 2)
        {
            output.WriteLine("SKIP: set ZKML_PINNED_PTAU_DIR to a folder with two powersOfTau28_hez_final_*.ptau files to check the pin");
            return;
        }
        var a = Srs.FromPtau(files[0], 1);
        var b = Srs.FromPtau(files[1], 1);
        Assert.Equal(a.TauG2, b.TauG2);
        Assert.Equal(a.BlindingBase, b.BlindingBase);
        var pin = PinnedCeremony.Of("powersOfTau28_hez_final", a);
        output.WriteLine($"pin: [τ]₂ = [{string.Join(", ", pin.TauG2)}], H = [{string.Join(", ", pin.BlindingBase)}]");
        Assert.Equal(BlindingBaseVerdict.PinnedCeremony, SrsProvenance.CheckBlindingBase(a).Verdict);
    }
}
