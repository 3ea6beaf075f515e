using System.Diagnostics;
using Spectre.Console;

namespace ClustSeg.Cli.Output;

/// <summary>
/// Progress with ETA for long work. On a terminal it is a live Spectre.Console bar; when output is redirected
/// (logs, CI) it prints a line at most every few seconds so logs stay readable.
/// </summary>
internal sealed class ProgressBar
{
    private readonly string _title;
    private readonly int _total;
    private readonly TextWriter _log;

    public ProgressBar(string title, int total, TextWriter log)
    {
        _title = title;
        _total = total;
        _log = log;
    }

    /// <summary>Runs <paramref name="body"/> with a callback that advances the bar by one item and sets its status text.</summary>
    public void Run(Action<Action<string>> body)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsErrorRedirected && ReferenceEquals(_log, Console.Error))
        {
            AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                    new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context =>
                {
                    var task = context.AddTask(_title, maxValue: _total);
                    body(status =>
                    {
                        task.Description = $"{_title} {status}";
                        task.Increment(1);
                    });
                });
            return;
        }

        var clock = Stopwatch.StartNew();
        var done = 0;
        var lastPrint = TimeSpan.Zero;
        body(status =>
        {
            done++;
            var elapsed = clock.Elapsed;
            if (done != _total && elapsed - lastPrint < TimeSpan.FromSeconds(5)) return;
            lastPrint = elapsed;
            var eta = done == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(elapsed.Ticks / done * (_total - done));
            _log.WriteLine($"{_title} {done}/{_total} ({100.0 * done / Math.Max(_total, 1):0}%) elapsed {Duration(elapsed)} eta {Duration(eta)} {status}");
        });
    }

    /// <summary>mm:ss below an hour, h:mm:ss from there on (a training run's ETA is often hours; "mm:ss" dropped them).</summary>
    internal static string Duration(TimeSpan t) =>
        t.TotalHours >= 1
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
            : t.ToString(@"mm\:ss", System.Globalization.CultureInfo.InvariantCulture);
}
