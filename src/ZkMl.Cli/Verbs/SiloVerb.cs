using System.CommandLine;
using System.Net;
using ZkMl.Inference;
using ZkMl.Service.Cluster;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// <c>zkml silo --cluster REDIS --pk keys/pk.bin</c>: an Orleans silo that joins a prover cluster and proves
/// the batches <c>zkml prove-dataset --cluster</c> sends it, until Ctrl+C or SIGTERM.
/// </summary>
internal static class SiloVerb
{
    /// <summary>The cluster options shared by <c>silo</c> and <c>prove-dataset</c>.</summary>
    internal sealed class ClusterOptionSet
    {
        public required Option<string?> Cluster { get; init; }
        public required Option<string> ClusterId { get; init; }
        public required Option<string> Address { get; init; }
        public required Option<int> SiloPort { get; init; }

        /// <summary>The silo settings these options give; Orleans' warnings go to stderr with --verbose.</summary>
        public SiloSettings Settings(ParseResult pr, VerbContext ctx, Action<string>? activity = null)
        {
            string a = pr.GetValue(Address)!;
            if (!IPAddress.TryParse(a, out var ip)) throw new UserException($"--address {a}: expected an IP address of this machine (127.0.0.1, 10.0.0.5, …)");
            int port = pr.GetValue(SiloPort);
            if (port is < 0 or > 65535) throw new UserException($"--silo-port {port}: expected 0…65535");
            string id = pr.GetValue(ClusterId)!;
            if (string.IsNullOrWhiteSpace(id) || id.Any(c => char.IsWhiteSpace(c) || c == '/')) throw new UserException($"--cluster-id '{id}': expected a name without spaces or '/'");
            return new SiloSettings
            {
                Redis = pr.GetValue(Cluster) is { Length: > 0 } r ? r : null,
                ClusterId = id,
                Address = ip,
                SiloPort = port,
                Log = ctx.Verbose ? ctx.StdErr : null,
                Activity = activity,
            };
        }
    }

    public static ClusterOptionSet ClusterOptions() => new()
    {
        Cluster = new Option<string?>("--cluster") { HelpName = "REDIS", Description = "Join the Orleans cluster whose membership lives in this Redis (host:port[,password=…]) instead of running an embedded single silo" },
        ClusterId = new Option<string>("--cluster-id") { HelpName = "ID", Description = "Cluster name: silos with the same Redis and id form one cluster", DefaultValueFactory = _ => "zkml" },
        Address = new Option<string>("--address") { HelpName = "IP", Description = "This machine's address that other silos reach (the silo listens there; no authentication: use a private network)", DefaultValueFactory = _ => "127.0.0.1" },
        SiloPort = new Option<int>("--silo-port") { HelpName = "P", Description = "Silo-to-silo TCP port (0: any free port)", DefaultValueFactory = _ => 0 },
    };

    public static Command Create()
    {
        var pk = new Option<string[]>("--pk") { HelpName = "FILE", Description = "A proving key from zkml setup this silo proves with (repeat for several circuits)", Required = true, AllowMultipleArgumentsPerToken = false };
        var o = ClusterOptions();
        o.Cluster.Required = true;
        var cmd = new Command("silo", "Join a prover cluster (Orleans, membership in Redis) and prove the batches zkml prove-dataset --cluster sends; runs until Ctrl+C or SIGTERM")
        {
            pk, o.Cluster, o.ClusterId, o.Address, o.SiloPort,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "silo", ctx =>
        {
            var say = new object();
            var settings = o.Settings(pr, ctx, line => { lock (say) { ctx.StdErr.WriteLine($"zkml silo: {line}"); ctx.StdErr.Flush(); } });
            var keys = pr.GetValue(pk)!.Select(p => ctx.Step($"reading {p}", () => ProvingKey.Load(CliFiles.Require(p, "a proving key from zkml setup")))).ToList();
            foreach (var (k, p) in keys.Zip(pr.GetValue(pk)!)) Pipeline.WarnIfInsecure(ctx, k.VerifyingKey, p);
            try
            {
                Sync(async () =>
                {
                    await using var silo = await ProverSilo.StartAsync(settings, keys);
                    lock (say)
                    {
                        ctx.StdErr.WriteLine($"zkml silo: joined cluster {settings.ClusterId} ({settings.Redis}) as {silo.Name}; keys {string.Join(", ", keys.Select(k => k.VerifyingKey.DigestHex[..16] + "…"))}; {silo.ActiveSilos().Count} active silo(s); Ctrl+C to leave");
                        ctx.StdErr.Flush();
                    }
                    await silo.WaitForShutdownAsync();
                    return 0;
                });
            }
            catch (SiloStartException e) { throw new UserException(e.Message); }
            ctx.StdErr.WriteLine("zkml silo: left the cluster");
            return 0;
        }));
        return cmd;
    }

    /// <summary>Runs async work from a synchronous verb body.</summary>
    internal static T Sync<T>(Func<Task<T>> work) => Task.Run(work).GetAwaiter().GetResult();
}
