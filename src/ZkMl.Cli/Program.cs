namespace ZkMl.Cli;

/// <summary>The <c>zkml</c> command.</summary>
public static class Program
{
    /// <summary>Entry point.</summary>
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("zkml: no verbs yet");
        return args.Length == 0 ? 0 : 2;
    }
}
