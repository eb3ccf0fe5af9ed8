using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ZkMl.Algebra;

namespace ZkMl.Proofs.Tests;

/// <summary>
/// Where an SRS came from (issue 14, "Keys and setups"): a ceremony file without a contribution or with a τ
/// that a cheap search finds is refused, the origin is read from the contributions section (checked against
/// snarkjs), the development τ comes from the CSPRNG, and the ptau cache is keyed by content and checked
/// against the file.
/// </summary>
[Collection(PtauCollection.Name)]
public partial class SrsOriginTests(PtauFixture ptau)
{
    private string NewDir(string name) => Path.Combine(ptau.Dir, name + "-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Byte offset of the section table entry (id field) of section <paramref name="id"/>.</summary>
    private static int SectionEntry(byte[] file, int id)
    {
        int n = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8));
        long pos = 12;
        for (int i = 0; i < n; i++)
        {
            if (BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan((int)pos)) == id) return (int)pos;
            pos += 12 + BinaryPrimitives.ReadInt64LittleEndian(file.AsSpan((int)pos + 4));
        }
        throw new InvalidOperationException("no section " + id);
    }

    [Fact]
    public void Ptau_without_contribution_is_refused()
    {
        // snarkjs powersoftau new: every power is the generator (τ = 1) and section 7 lists no contribution.
        var e = Assert.Throws<SrsFormatException>(() => Srs.FromPtau(ptau.Fresh, 16));
        Assert.Contains("no contribution", e.Problem);
        Assert.Contains("powersoftau new", e.Problem);
        var dir = NewDir("fresh-cache");
        Assert.Throws<SrsFormatException>(() => Srs.FromPtauCached(ptau.Fresh, 16, dir));
        Assert.False(Directory.Exists(dir) && Directory.GetFiles(dir).Length > 0);

        // Without its contributions section (renamed to an id that readers skip) the powers still give τ away.
        var noSection7 = ptau.Variant(ptau.Fresh, "fresh-no7.ptau", b => { BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(SectionEntry(b, 7)), 99); return b; });
        var e2 = Assert.Throws<SrsFormatException>(() => Srs.FromPtau(noSection7, 16));
        Assert.Contains("τ = 1", e2.Problem);
    }

    public static TheoryData<string> KnownTaus => new() { "1", "-1", "2", "77", "4096", "-4096", "2^13", "2^100", "-2^200", "2^255" };

    [Theory]
    [MemberData(nameof(KnownTaus))]
    public void A_small_or_power_of_two_tau_is_found(string tau)
    {
        bool neg = tau.StartsWith('-');
        string abs = tau.TrimStart('-');
        BigInteger v = abs.StartsWith("2^") ? BigInteger.Pow(2, int.Parse(abs[2..])) : BigInteger.Parse(abs);
        var t = Fr.FromBigInteger(v % Fr.Modulus);
        if (neg) t = -t;
        var p = G1Jacobian.Generator.ScalarMul(t).ToAffine();
        Assert.Equal((neg ? "−" : "") + abs, Srs.FindKnownTau(p));
    }

    [Fact]
    public void Other_taus_are_not_reported()
    {
        Assert.Null(Srs.FindKnownTau(G1Jacobian.Generator.ScalarMul(Fr.FromInt64(Srs.KnownTauSmallBound + 1)).ToAffine()));
        Assert.Null(Srs.FindKnownTau(G1Jacobian.Generator.ScalarMul(Fr.FromInt64(3) * Fr.FromBigInteger(BigInteger.Pow(2, 40))).ToAffine()));
        var rng = new Random(5);
        for (int i = 0; i < 4; i++) Assert.Null(Srs.FindKnownTau(G1Jacobian.Generator.ScalarMul(Fr.Random(rng)).ToAffine()));
        // The contributed test ceremony passes.
        Assert.False(Srs.FromPtau(ptau.Contributed, 8).IsInsecure);
    }

    [Fact]
    public void A_cache_file_claiming_a_ceremony_with_a_known_tau_is_refused()
    {
        var path = Path.Combine(NewDir("known"), "k.srs");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = Srs.FromTau(Fr.FromInt64(3), 8, "test").ToBytes();
        Assert.True(Srs.FromBytes(bytes, path).IsInsecure); // a development SRS may have any τ
        // Relabel it as a ceremony SRS (origin kind 1 at offset 12) with a valid digest.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 1);
        SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        var e = Assert.Throws<SrsFormatException>(() => Srs.FromBytes(bytes, path));
        Assert.Contains("τ = 3", e.Problem);
    }

    [GeneratedRegex(@"Next Challenge:\s*\n((?:\s*[0-9a-f]{8}){16})")]
    private static partial Regex NextChallenge();

    [Fact]
    public void Ceremony_origin_is_the_last_next_challenge_that_snarkjs_prints()
    {
        var srs = Srs.FromPtau(ptau.Contributed, 20);
        Assert.Equal(SrsOriginKind.Ceremony, srs.Origin.Kind);
        Assert.False(srs.Origin.IsInsecure);
        Assert.Equal(1, srs.Origin.Contributions);
        var printed = NextChallenge().Matches(ZkMl.TestKit.Snarkjs.Output("powersoftau", "verify", ptau.Contributed));
        Assert.NotEmpty(printed);
        string expected = Regex.Replace(printed[^1].Groups[1].Value, @"\s", "");
        Assert.Equal(expected, srs.Origin.CeremonyHashHex);
        // prepare phase2 keeps the contributions: the same origin.
        Assert.Equal(srs.Origin, Srs.FromPtau(ptau.Phase2, 20).Origin);
        Assert.Contains("1 contribution", srs.Description);
        Assert.Contains("ceremony SRS (1 contribution", srs.Origin.ToString());
    }

    [Fact]
    public void Origin_encoding_round_trips_and_rejects_nonsense()
    {
        var hash = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        var o = SrsOrigin.Ceremony(71, hash);
        var b = new byte[SrsOrigin.EncodedLength];
        o.WriteTo(b);
        Assert.True(SrsOrigin.TryRead(b, out var back, out _));
        Assert.Equal(o, back);
        Assert.NotEqual(SrsOrigin.Development, back);
        SrsOrigin.Development.WriteTo(b);
        Assert.True(SrsOrigin.TryRead(b, out back, out _));
        Assert.Same(SrsOrigin.Development, back);
        b[4] = 1; // a development SRS with a contribution count
        Assert.False(SrsOrigin.TryRead(b, out _, out var why));
        Assert.Contains("development", why);
        b[4] = 0; b[0] = 2;
        Assert.False(SrsOrigin.TryRead(b, out _, out why));
        Assert.Contains("unknown kind 2", why);
        Assert.False(SrsOrigin.TryRead(b.AsSpan(0, 10), out _, out _));
    }

    [Fact]
    public void Development_tau_comes_from_the_csprng()
    {
        var a = Srs.CreateInsecureDev(4);
        var b = Srs.CreateInsecureDev(4);
        Assert.True(a.IsInsecure);
        Assert.Equal(SrsOrigin.Development, a.Origin);
        Assert.NotEqual(a.TauG2, b.TauG2);
        Assert.True(Pairing.CheckProduct([a.G1Powers[1], a.G1Powers[0].Negate()], [a.G2, a.TauG2]));
        // Not one of the seeded τ (the seeded ones are for reproducible tests only).
        var seeded = Enumerable.Range(0, 64).Select(s => Srs.CreateInsecureDev(1, s).G1Powers[1]).ToHashSet();
        Assert.DoesNotContain(a.G1Powers[1], seeded);
        Assert.Contains(Srs.CreateInsecureDev(1, 7).G1Powers[1], seeded);
    }

    [Fact]
    public void Cache_is_keyed_by_content_not_by_path()
    {
        var dir = NewDir("content");
        var copy = Path.Combine(ptau.Dir, "renamed-" + Guid.NewGuid().ToString("N")[..6] + ".ptau");
        File.Copy(ptau.Contributed, copy);
        File.SetLastWriteTimeUtc(copy, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var a = Srs.FromPtauCached(ptau.Contributed, 40, dir);
        var b = Srs.FromPtauCached(copy, 40, dir);
        Assert.Single(Directory.GetFiles(dir, "*.srs"));
        Assert.True(a.G1Powers.SequenceEqual(b.G1Powers));
        Assert.Equal(a.Origin, b.Origin);
        // another ceremony state (phase-2 preparation adds sections but not contributions) shares the cache only if its header, contributions and first powers match
        Srs.FromPtauCached(ptau.Phase2, 40, dir);
        Assert.Single(Directory.GetFiles(dir, "*.srs"));
    }

    /// <summary>Rewrites a cache file with <paramref name="edit"/> applied to its decoded powers (SHA-256 fixed up, so only the content check can notice).</summary>
    private static void EditCache(string path, Action<byte[], int> edit)
    {
        var b = File.ReadAllBytes(path);
        int dlen = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16 + SrsOrigin.EncodedLength));
        int g2At = 20 + SrsOrigin.EncodedLength + dlen;
        edit(b, g2At);
        SHA256.HashData(b.AsSpan(0, b.Length - 32), b.AsSpan(b.Length - 32));
        File.WriteAllBytes(path, b);
    }

    /// <summary>The cache encoding of an SRS's [τ]₂ (128 bytes).</summary>
    private static byte[] TauG2Bytes(Srs s)
    {
        var b = s.ToBytes();
        int dlen = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16 + SrsOrigin.EncodedLength));
        return b.AsSpan(20 + SrsOrigin.EncodedLength + dlen + 128, 128).ToArray();
    }

    [Fact]
    public void Cache_whose_tau_g2_differs_from_the_file_is_not_used()
    {
        var dir = NewDir("tau2");
        var truth = Srs.FromPtauCached(ptau.Contributed, 30, dir);
        var cache = Directory.GetFiles(dir, "*.srs").Single();
        // A well-formed cache (valid digest, [τ]₂ in G2) with another τ's [τ]₂.
        var otherSrs = Srs.FromTau(Fr.FromInt64(5), 2, "other");
        EditCache(cache, (b, g2At) => TauG2Bytes(otherSrs).CopyTo(b, g2At + 128));
        Assert.Equal(otherSrs.TauG2, Srs.Load(cache).TauG2);
        var warnings = new List<string>();
        var srs = Srs.FromPtauCached(ptau.Contributed, 30, dir, warnings.Add);
        Assert.Equal(truth.TauG2, srs.TauG2);
        Assert.Contains(warnings, w => w.Contains("[τ]₂ differs from the ceremony file's") && w.Contains(cache));
        // rewritten from the file
        Assert.Equal(truth.TauG2, Srs.Load(cache).TauG2);
        warnings.Clear();
        Srs.FromPtauCached(ptau.Contributed, 30, dir, warnings.Add);
        Assert.Empty(warnings);

        // A cache whose G1 powers differ (one power replaced by another valid point) is not used either.
        // (version 3: [1]₂, [τ]₂, u32 flags, H, then the powers)
        EditCache(cache, (b, g2At) => b.AsSpan(g2At + 256 + 4 + 64 + 64 * 6, 64).CopyTo(b.AsSpan(g2At + 256 + 4 + 64 + 64 * 5)));
        srs = Srs.FromPtauCached(ptau.Contributed, 30, dir, warnings.Add);
        Assert.Contains(warnings, w => w.Contains("G1 powers differ"));
        Assert.True(srs.G1Powers.SequenceEqual(truth.G1Powers));
    }

    [Fact]
    public void Unwritable_cache_warns_and_goes_on_uncached()
    {
        // A folder below a regular file cannot be made, whoever runs the test (root included).
        var blocker = Path.Combine(NewDir("blocked"));
        Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
        File.WriteAllText(blocker, "not a folder");
        var warnings = new List<string>();
        var srs = Srs.FromPtauCached(ptau.Contributed, 20, Path.Combine(blocker, "zkml"), warnings.Add);
        Assert.Equal(20, srs.MaxDegree);
        Assert.False(srs.IsInsecure);
        var w = Assert.Single(warnings);
        Assert.Contains("cannot write the SRS cache", w);
        Assert.Contains("going on without it", w);
        // No cache folder at all: no warning, nothing written.
        var none = Srs.FromPtauCached(ptau.Contributed, 20, null, warnings.Add);
        Assert.True(none.G1Powers.SequenceEqual(srs.G1Powers));
        Assert.Single(warnings);
    }

    [Fact]
    public void Old_cache_versions_are_rebuilt_and_say_why()
    {
        var dir = NewDir("old");
        Srs.FromPtauCached(ptau.Contributed, 10, dir);
        var cache = Directory.GetFiles(dir, "*.srs").Single();
        var b = File.ReadAllBytes(cache);
        b[8] = 1;
        File.WriteAllBytes(cache, b);
        Assert.Contains("older zkml", Assert.Throws<SrsFormatException>(() => Srs.Load(cache)).Problem);
        var warnings = new List<string>();
        Srs.FromPtauCached(ptau.Contributed, 10, dir, warnings.Add);
        Assert.Contains(warnings, w => w.Contains("older zkml"));
        Assert.Equal(10, Srs.Load(cache).MaxDegree);
    }
}
