using System.Text.Json;
using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Layers;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Training;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Training;

public sealed class TrainingLoopTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int In = RegressionRun.In, Out = RegressionRun.Out, Rows = RegressionRun.Rows;
    private readonly string _root = Directory.CreateTempSubdirectory("clustseg-train-").FullName;

    public override void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        base.Dispose();
    }

    private (RegressionObjective Objective, AdamWOptimizer Optimizer, TrainingLoop<RegressionBatch> Loop) Build(string run, int steps, int checkpointEvery = 4)
    {
        var built = RegressionRun.Build(Device, Path.Combine(_root, run), steps, checkpointEvery);
        return (built.Objective, built.Optimizer, built.Loop);
    }

    private static TrainingState Fresh() => RegressionRun.Fresh();

    [Fact]
    public void LossFallsAndEveryStepIsLogged()
    {
        var (_, _, loop) = Build("fit", steps: 60, checkpointEvery: 25);
        var records = new List<TrainingLogRecord>();
        loop.StepCompleted += records.Add;
        var outcome = loop.Run(new RegressionSource(new TrainingDataCursor(7), In, Out, Rows), Fresh(), CancellationToken.None);

        Assert.Equal(TrainingEnd.Completed, outcome.End);
        Assert.Equal(60, records.Count);
        Assert.True(records[^1].Loss < 0.05 * records[0].Loss, $"loss went from {records[0].Loss} to {records[^1].Loss}");
        Assert.True(records.All(r => r.GradientNorm > 0 && r.ImagesPerSecond > 0));
        var lines = File.ReadAllLines(Path.Combine(_root, "fit", "train.jsonl"));
        Assert.Equal(Enumerable.Range(1, 60), lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt32()));
        Assert.True(File.Exists(outcome.ModelPath));
    }

    [Fact]
    public void InterruptedRunResumesExactly()
    {
        const int steps = 8;
        var (straightObjective, _, straight) = Build("straight", steps);
        straight.Run(new RegressionSource(new TrainingDataCursor(7), In, Out, Rows), Fresh(), CancellationToken.None);
        var expected = Device.Read(((Linear)straightObjective.Model).Weight.Value);

        // Stop after step 3, between checkpoints: the stop must write its own checkpoint.
        var (_, _, first) = Build("resumed", steps);
        using var stop = new CancellationTokenSource();
        first.StepCompleted += r => { if (r.Step == 3) stop.Cancel(); };
        var interrupted = first.Run(new RegressionSource(new TrainingDataCursor(7), In, Out, Rows), Fresh(), stop.Token);
        Assert.Equal(TrainingEnd.Interrupted, interrupted.End);
        Assert.Equal(3, interrupted.Step);

        var (objective, optimizer, second) = Build("resumed", steps);
        var state = TrainingCheckpoint.Load(interrupted.CheckpointPath, Device, objective.Model, optimizer);
        Assert.Equal(3, state.Step);
        var outcome = second.Run(new RegressionSource(state.Cursor, In, Out, Rows), state, CancellationToken.None);

        Assert.Equal(TrainingEnd.Completed, outcome.End);
        Assert.Equal(expected, Device.Read(((Linear)objective.Model).Weight.Value));
        var straightLosses = LoggedLosses(Path.Combine(_root, "straight", "train.jsonl"));
        Assert.Equal(straightLosses, LoggedLosses(Path.Combine(_root, "resumed", "train.jsonl")));
    }

    [Fact]
    public void NonFiniteLossStopsWithTheLastCheckpointIntact()
    {
        var (_, _, loop) = Build("nan", steps: 10, checkpointEvery: 2);
        var error = Assert.Throws<ClustSegException>(() =>
            loop.Run(new RegressionSource(new TrainingDataCursor(7), In, Out, Rows, poisonStep: 5), Fresh(), CancellationToken.None));
        Assert.Contains("step 5", error.Problem);
        Assert.Contains("step 4", error.Problem);
        Assert.Equal(4, TrainingCheckpoint.ReadState(Path.Combine(_root, "nan", "checkpoint.safetensors")).Step);
    }

    [Fact]
    public void TrainingCheckpointAlsoLoadsAsAModel()
    {
        var (objective, _, loop) = Build("model", steps: 2, checkpointEvery: 1);
        var outcome = loop.Run(new RegressionSource(new TrainingDataCursor(7), In, Out, Rows), Fresh(), CancellationToken.None);
        var trained = Device.Read(((Linear)objective.Model).Weight.Value);
        var fresh = new RegressionObjective(In, Out);
        Checkpoint.Load(fresh.Model, Device, outcome.CheckpointPath);
        Assert.Equal(trained, Device.Read(((Linear)fresh.Model).Weight.Value));
        var error = Assert.Throws<ClustSegException>(() => TrainingCheckpoint.ReadState(outcome.ModelPath!));
        Assert.Contains("without training state", error.Problem);
    }

    private static List<double> LoggedLosses(string path) =>
        File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("loss").GetDouble()).ToList();
}
