using ZkMl.Algebra;

namespace ZkMl.Proofs.Tests;

[Collection(PtauCollection.Name)]
public class SrsTests(PtauFixture ptau)
{
    private string TempFile(string name) => Path.Combine(ptau.Dir, Guid.NewGuid().ToString("N")[..8] + name);

    [Fact]
    public void DevSrsIsLabelledInsecureAndDeterministic()
    {
        var a = Srs.CreateInsecureDev(20, seed: 5);
        var b = Srs.CreateInsecureDev(20, seed: 5);
        var c = Srs.CreateInsecureDev(20, seed: 6);
        Assert.True(a.IsInsecure);
        Assert.StartsWith("INSECURE", a.Description);
        Assert.Contains("INSECURE", a.ToString());
        Assert.True(a.G1Powers.SequenceEqual(b.G1Powers));
        Assert.Equal(a.TauG2, b.TauG2);
        Assert.NotEqual(a.G1Powers[1], c.G1Powers[1]);
        for (int i = 0; i < 20; i++)
            Assert.True(Pairing.CheckProduct([a.G1Powers[i + 1], a.G1Powers[i].Negate()], [a.G2, a.TauG2]));
    }

    [Fact]
    public void FromTauComputesThePowers()
    {
        var tau = Fr.FromInt64(123456789);
        var srs = Srs.FromTau(tau, 300, "test");
        Assert.True(srs.IsInsecure);
        Assert.StartsWith("INSECURE", srs.Description);
        foreach (int i in new[] { 0, 1, 2, 17, 255, 256, 300 })
        {
            var expect = G1Jacobian.Generator.ScalarMul(tau.Pow(i)).ToAffine();
            Assert.Equal(expect, srs.G1Powers[i]);
        }
    }

    [Fact]
    public void CacheRoundTrips()
    {
        var srs = Srs.FromPtau(ptau.Contributed, 100);
        var path = TempFile("a.srs");
        srs.Save(path);
        var back = Srs.Load(path);
        Assert.True(srs.G1Powers.SequenceEqual(back.G1Powers));
        Assert.Equal(srs.G2, back.G2);
        Assert.Equal(srs.TauG2, back.TauG2);
        Assert.Equal(srs.Description, back.Description);
        Assert.False(back.IsInsecure);
        Assert.Equal(10, Srs.Load(path, 10).MaxDegree);
        Assert.Empty(Directory.GetFiles(ptau.Dir, "*.tmp"));

        var dev = Srs.CreateInsecureDev(8, 1);
        var devPath = TempFile("dev.srs");
        dev.Save(devPath);
        Assert.True(Srs.Load(devPath).IsInsecure);
    }

    [Fact]
    public void CorruptCacheIsRejected()
    {
        var srs = Srs.FromPtau(ptau.Contributed, 20);
        var path = TempFile("c.srs");
        srs.Save(path);
        var bytes = File.ReadAllBytes(path);

        var flipped = (byte[])bytes.Clone();
        flipped[flipped.Length - 100] ^= 1;
        File.WriteAllBytes(path, flipped);
        Assert.Contains("digest", Assert.Throws<SrsFormatException>(() => Srs.Load(path)).Problem);

        File.WriteAllBytes(path, bytes[..(bytes.Length - 1)]);
        var e = Assert.Throws<SrsFormatException>(() => Srs.Load(path));
        Assert.Contains("truncated", e.Problem);
        Assert.Equal(path, e.FilePath);

        var badVersion = (byte[])bytes.Clone();
        badVersion[8] = 9;
        File.WriteAllBytes(path, badVersion);
        Assert.Contains("version", Assert.Throws<SrsFormatException>(() => Srs.Load(path)).Problem);

        File.WriteAllBytes(path, bytes);
        Assert.Contains("too small", Assert.Throws<SrsFormatException>(() => Srs.Load(path, 21)).Problem);

        Assert.Contains("magic", Assert.Throws<SrsFormatException>(() => Srs.Load(ptau.Contributed)).Problem);
    }

    [Fact]
    public void CachedLoadWritesAndReusesTheCache()
    {
        var dir = Path.Combine(ptau.Dir, "cache-" + Guid.NewGuid().ToString("N")[..6]);
        var a = Srs.FromPtauCached(ptau.Contributed, 50, dir);
        var files = Directory.GetFiles(dir, "*.srs");
        Assert.Single(files);
        var b = Srs.FromPtauCached(ptau.Contributed, 30, dir);
        Assert.Equal(30, b.MaxDegree);
        Assert.True(a.G1Powers[..31].SequenceEqual(b.G1Powers));
        // A damaged cache is rebuilt from the .ptau file.
        File.WriteAllBytes(files[0], [1, 2, 3]);
        var c = Srs.FromPtauCached(ptau.Contributed, 50, dir);
        Assert.True(a.G1Powers.SequenceEqual(c.G1Powers));
        Assert.True(Srs.Load(files[0]).G1Powers.SequenceEqual(a.G1Powers));
    }
}
