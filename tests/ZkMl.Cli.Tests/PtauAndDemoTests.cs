using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary>setup --ptau on a snarkjs file (and its SRS cache), and the demo verb.</summary>
public class PtauAndDemoTests(TinyKeysFixture tiny) : IClassFixture<TinyKeysFixture>
{
    [Fact]
    public void SetupReadsASnarkjsPtauFileAndCachesIt()
    {
        // `powersoftau new` alone is the ceremony's starting point (τ = 1): valid to read, fast to make;
        // this checks the file path of setup, not the security of the ceremony.
        string ptau = tiny.File("pot12.ptau"), cache = tiny.File("srs-cache"), keys = tiny.File("ptau-keys");
        ZkMl.TestKit.Snarkjs.Run("powersoftau", "new", "bn128", "12", ptau);
        var s = Zkml.Ok("setup", tiny.Circuit, "--ptau", ptau, "--srs-cache", cache, "-o", keys, "--max-batch", "1", "--json");
        Assert.DoesNotContain("INSECURE", s.Err);
        var j = s.Json().GetProperty("srs");
        Assert.False(j.GetProperty("insecure").GetBoolean());
        Assert.Contains("pot12.ptau", j.GetProperty("description").GetString());
        Assert.Single(Directory.GetFiles(cache, "*.srs"));
        Zkml.Ok("setup", tiny.Circuit, "--ptau", ptau, "--srs-cache", cache, "-o", keys, "--max-batch", "1", "--quiet");

        string input = tiny.File("ptau-one.json"), proof = tiny.File("ptau.proof");
        File.WriteAllText(input, "{\"input_data\": [[-0.5, 0.25, 0.75, 0.0]]}");
        var p = Zkml.Ok("prove", tiny.Circuit, "--input", input, "--pk", Path.Combine(keys, "pk.bin"), "-o", proof);
        Assert.DoesNotContain("INSECURE", p.Err);
        Zkml.Ok("verify", "--vk", Path.Combine(keys, "vk.bin"), "--proof", proof);

        // Too small a file for the requested batch: named, with the sizes.
        Zkml.Fails(["setup", tiny.Circuit, "--ptau", ptau, "--srs-cache", cache, "-o", tiny.File("big-keys"), "--max-batch", "4096"], "pot12.ptau", "too small", "smaller --max-batch");
    }

    [Fact]
    public void DemoProvesRealMnistImagesAndVerifiesInCSharpAndOnChain()
    {
        string dir = tiny.File("demo");
        var r = Zkml.Ok("demo", "--batch", "2", "--out", dir, "--json");
        var j = r.Json();
        Assert.True(j.GetProperty("verified").GetBoolean());
        Assert.Equal(2, j.GetProperty("predictions").GetArrayLength());
        // The first two MNIST test images are a 7 and a 2.
        Assert.Equal([7, 2], j.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.Contains("INSECURE", r.Err);
        var chain = j.GetProperty("onChain");
        Assert.True(chain.GetProperty("accepted").GetBoolean());
        Assert.True(chain.GetProperty("tamperedRejected").GetBoolean());
        Assert.True(chain.GetProperty("verifyGas").GetInt64() > 0);
        Assert.InRange(chain.GetProperty("deployedBytes").GetInt32(), 1, 24_576);
        Assert.True(File.Exists(Path.Combine(dir, "Verifier.sol")));
        Zkml.Ok("verify", "--vk", Path.Combine(dir, "keys", "vk.bin"), "--proof", Path.Combine(dir, "proof.bin"));
    }
}
