using ClustSeg.Runtime.Data.Training;
using ClustSeg.Runtime.Errors;
using ClustSeg.Runtime.Nn;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Runtime.Ops;
using ClustSeg.Runtime.Training;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Training;

public sealed class WeightAverageTests(VulkanFixture fixture) : VulkanTest(fixture)
{
    private const int Steps = 7;
    private const double Decay = 0.8; // reached by the ramp (1 + t) / (10 + t) from step 31 on: both regimes are hit below
    private readonly string _root = Directory.CreateTempSubdirectory("clustseg-ema-").FullName;

    public override void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        base.Dispose();
    }

    private (RegressionObjective Objective, AdamWOptimizer Optimizer, WeightAverage? Average, TrainingLoop<RegressionBatch> Loop) Build(
        string run, double? decay, int steps = Steps)
    {
        var built = RegressionRun.Build(Device, Path.Combine(_root, run), steps, averageDecay: decay);
        return (built.Objective, built.Optimizer, built.Average, built.Loop);
    }

    private static TrainingState Fresh() => RegressionRun.Fresh();

    private static RegressionSource Source(TrainingDataCursor cursor) => RegressionRun.Source(cursor);

    private static Dictionary<string, float[]> Read(string path) => SafetensorsFile.Read(path).Tensors.ToDictionary(t => t.Name, t => t.Data);

    [Fact]
    public void DecayRampsUpToTheGivenOne()
    {
        var average = new WeightAverage(Device, AllocatedModel(), 0.999);
        Assert.Equal(2.0 / 11, average.DecayAt(1), 12);
        Assert.Equal(101.0 / 110, average.DecayAt(100), 12);
        Assert.Equal(0.999, average.DecayAt(100_000), 12);
        Assert.False(WeightAverage.IsValidDecay(1));
        Assert.False(WeightAverage.IsValidDecay(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(Device, AllocatedModel(), 1.5));
    }

    private Module AllocatedModel()
    {
        var model = new RegressionObjective(RegressionRun.In, RegressionRun.Out).Model;
        ModuleState.Initialize(model, Device, seed: 1);
        return model;
    }

    [Fact]
    public void FinalModelHoldsTheAverageOfEveryStepsWeightsAndTheCheckpointKeepsTheWeights()
    {
        var (objective, _, _, loop) = Build("average", Decay, steps: 40);
        var parameters = objective.Model.Parameters().ToList();
        var expected = new Dictionary<string, double[]>();
        loop.StepCompleted += record =>
        {
            // The step is submitted and finished: the weights are those the average moved toward.
            foreach (var p in parameters)
            {
                var weights = Device.Read(p.Value);
                if (!expected.TryGetValue(p.Path, out var mean))
                {
                    expected[p.Path] = Array.ConvertAll(weights, w => (double)w);
                    continue;
                }
                var keep = Math.Min(Decay, (1.0 + record.Step) / (10.0 + record.Step));
                for (var i = 0; i < mean.Length; i++) mean[i] = keep * mean[i] + (1 - keep) * weights[i];
            }
        };
        var outcome = loop.Run(Source(new TrainingDataCursor(7)), Fresh(), CancellationToken.None);

        var model = Read(outcome.ModelPath!);
        var checkpoint = Read(outcome.CheckpointPath);
        foreach (var p in parameters)
        {
            Numerics.AssertClose(model[p.Path], expected[p.Path], 1e-5, $"average of {p.Path}");
            Numerics.AssertClose(checkpoint[WeightAverage.CheckpointPrefix + p.Path], expected[p.Path], 1e-5, $"checkpointed average of {p.Path}");
            Assert.Equal(Device.Read(p.Value), checkpoint[p.Path]); // the training checkpoint keeps the weights themselves
            Assert.NotEqual(checkpoint[p.Path], model[p.Path]);
        }
    }

    [Fact]
    public void InterruptedRunResumesItsAverageExactly()
    {
        var (_, _, _, straight) = Build("straight", Decay);
        var expected = Read(straight.Run(Source(new TrainingDataCursor(7)), Fresh(), CancellationToken.None).ModelPath!);

        var (_, _, _, first) = Build("resumed", Decay);
        using var stop = new CancellationTokenSource();
        first.StepCompleted += r => { if (r.Step == 3) stop.Cancel(); };
        var interrupted = first.Run(Source(new TrainingDataCursor(7)), Fresh(), stop.Token);
        Assert.Equal(3, interrupted.Step);

        var (objective, optimizer, average, second) = Build("resumed", Decay);
        var state = TrainingCheckpoint.Load(interrupted.CheckpointPath, Device, objective.Model, optimizer, average);
        var resumed = Read(second.Run(Source(state.Cursor), state, CancellationToken.None).ModelPath!);

        Assert.Equal(expected.Keys.Order(), resumed.Keys.Order());
        foreach (var (name, values) in expected) Assert.Equal(values, resumed[name]);
    }

    [Fact]
    public void ResumingWithAnAverageFromACheckpointWithoutOneIsRefused()
    {
        var (_, _, _, plain) = Build("plain", decay: null, steps: 2);
        var outcome = plain.Run(Source(new TrainingDataCursor(7)), Fresh(), CancellationToken.None);

        var (objective, optimizer, average, _) = Build("plain-again", Decay, steps: 2);
        var error = Assert.Throws<ClustSegException>(() => TrainingCheckpoint.Load(outcome.CheckpointPath, Device, objective.Model, optimizer, average));
        Assert.Contains("weight average", error.Problem);
        Assert.Contains("--ema", error.Fix);
    }
}
