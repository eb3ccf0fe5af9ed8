using System.Diagnostics;
using System.Text.Json;
using ZkMl.Algebra;
using ZkMl.Inference;

namespace ZkMl.Cli.Tests;

/// <summary>
/// The two Montgomery products end to end: keys and a proof made in this process (the machine code where the machine
/// allows it) and in a zkml process with <c>ZKML_NATIVE_FIELD=0</c> (the C# product) are the same bytes, each verifies
/// under the other's product, and <c>zkml bench</c> names the product in use.
/// </summary>
public class FieldProductTests
{
    private static (int ExitCode, string Out, string Err) RunWithCSharpProduct(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "zkml.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["ZKML_NATIVE_FIELD"] = "0";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "zkml did not finish in 3 minutes: " + string.Join(' ', args));
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static void OkWithCSharpProduct(params string[] args)
    {
        var (code, stdout, stderr) = RunWithCSharpProduct(args);
        Assert.True(code == 0, $"zkml {string.Join(' ', args)} exited {code}:\n{stdout}\n{stderr}");
    }

    private static bool MachineAllows => MachineCodeProduct.Expected;

    [Fact]
    public void Keys_and_proofs_are_the_same_bytes_with_either_product()
    {
        // Where the machine allows it, this process runs the machine code (else the comparison below would be C# with C#).
        Assert.Equal(MachineAllows, FieldProduct.IsMachineCode);
        string dir = Directory.CreateTempSubdirectory("zkml-field-product-").FullName;
        try
        {
            string zkc = Path.Combine(dir, "tiny.zkc"), input = Zkml.Tiny("input.json");
            Zkml.Ok("compile", Zkml.Tiny("model.json"), "-o", zkc, "-q");
            string here = Path.Combine(dir, "here"), csharp = Path.Combine(dir, "csharp");
            Zkml.Ok("setup", zkc, "--dev-srs", "--dev-seed", "3", "-o", here, "-q");
            Zkml.Ok("prove", zkc, "--input", input, "--pk", Path.Combine(here, "pk.bin"), "-o", Path.Combine(here, "proof.bin"), "-q");
            OkWithCSharpProduct("setup", zkc, "--dev-srs", "--dev-seed", "3", "-o", csharp, "-q");
            OkWithCSharpProduct("prove", zkc, "--input", input, "--pk", Path.Combine(csharp, "pk.bin"), "-o", Path.Combine(csharp, "proof.bin"), "-q");
            foreach (var file in new[] { "pk.bin", "vk.bin", "proof.bin" })
                Assert.True(File.ReadAllBytes(Path.Combine(here, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(csharp, file))), file + " differs");
            // Each side verifies the other's proof.
            Zkml.Ok("verify", "--vk", Path.Combine(csharp, "vk.bin"), "--proof", Path.Combine(csharp, "proof.bin"));
            OkWithCSharpProduct("verify", "--vk", Path.Combine(here, "vk.bin"), "--proof", Path.Combine(here, "proof.bin"));
            // Tampered proofs with a valid file digest (so the verifier's arithmetic, not the decoder, refuses them) are
            // rejected under the C# product too: a changed evaluation, and a changed output logit.
            var p = InferenceProof.Load(Path.Combine(here, "proof.bin"));
            var body = p.ProofBytes.ToArray();
            body[64 * 2 + 31] ^= 1;
            string bad = Path.Combine(dir, "bad.bin");
            File.WriteAllBytes(bad, InferenceProof.FromParts(p.VkDigest, p.PublicInputs, body, p.Flags).ToFileBytes());
            var vk = VerifyingKey.Load(Path.Combine(here, "vk.bin"));
            var io = p.DecodePublicIO(vk);
            var y = io.Outputs.ToArray();
            y[0] += 1;
            string lie = Path.Combine(dir, "lie.bin");
            File.WriteAllBytes(lie, InferenceProof.FromParts(p.VkDigest, PublicIO.Create(vk, io.BatchSize, io.Inputs, y).Words, p.ProofBytes, p.Flags).ToFileBytes());
            foreach (var forged in new[] { bad, lie })
            {
                var (exit, _, why) = RunWithCSharpProduct("verify", "--vk", Path.Combine(here, "vk.bin"), "--proof", forged);
                Assert.Equal(1, exit);
                Assert.Contains("not verified", why);
                Assert.DoesNotContain("corrupt", why);
            }

            var (code, json, err) = RunWithCSharpProduct("bench", zkc, "--batch", "2", "--runs", "1", "--json");
            Assert.True(code == 0, err);
            using var doc = JsonDocument.Parse(json);
            Assert.Equal("C# (turned off by ZKML_NATIVE_FIELD=0)", doc.RootElement.GetProperty("fieldProduct").GetString());
            Assert.True(doc.RootElement.GetProperty("verified").GetBoolean());
            var mine = JsonDocument.Parse(Zkml.Ok("bench", zkc, "--batch", "2", "--runs", "1", "--json").Out);
            Assert.Equal(MachineAllows ? "machine code (mulx, adcx/adox)" : FieldProduct.Description, mine.RootElement.GetProperty("fieldProduct").GetString());
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
