using System.Text.Json;
using ClustSeg.Cli;
using ClustSeg.Cli.Output.Plots;
using ClustSeg.Runtime.Nn.Safetensors;
using ClustSeg.Tests.Data;
using ClustSeg.Tests.Support;

namespace ClustSeg.Tests.Cli;

/// <summary>`train --eval-every`: validation during training, its log, the best model, and resuming with it.</summary>
public sealed class TrainValidationTests(SynthFixture synth) : IClassFixture<SynthFixture>, IDisposable
{
    private readonly TempFolder _work = new();

    private string Run => Path.Combine(_work.Path, "run");

    private string EvalLog => Path.Combine(Run, "eval.jsonl");

    public void Dispose() => _work.Dispose();

    private (int Code, string Output, string Error) Train(string task, params string[] args) =>
        CliRunner.Capture(["train", "--task", task, "--data", "synth:" + synth.Root, "-o", Run, "--batch", "1", "--crop", "64", "--lr", "1e-3", .. args]);

    private List<JsonElement> Validations() => File.ReadAllLines(EvalLog).Select(line => JsonDocument.Parse(line).RootElement).ToList();

    [Fact]
    public void ValidatesAfterItsCheckpointsKeepsTheBestAndScoresAsEvalDoes()
    {
        var first = Train("panoptic", "--steps", "4", "--checkpoint-every", "2", "--eval-every", "2");
        Assert.True(first.Code == 0, first.Error);
        Assert.Contains("validating every 2 steps and at the end (PQ)", first.Output);
        Assert.Contains("validation at step 2: PQ ", first.Output);
        Assert.Contains("best validation: PQ ", first.Output);
        var validations = Validations();
        Assert.Equal([2, 4], validations.Select(v => v.GetProperty("step").GetInt32()));
        Assert.All(validations, v => Assert.Equal(9, v.GetProperty("images").GetInt32()));
        Assert.All(validations, v => Assert.True(v.GetProperty("scores").TryGetProperty("PQ_things", out _)));
        Assert.True(validations[0].GetProperty("best").GetBoolean());

        // best.safetensors is the model of the last step flagged best, and `eval --checkpoint` scores it the same.
        var best = validations.Last(v => v.GetProperty("best").GetBoolean());
        var bestPath = Path.Combine(Run, "best.safetensors");
        Assert.Equal(best.GetProperty("step").GetInt32().ToString(), SafetensorsFile.Read(bestPath).Metadata["validation_step"]);
        var json = Path.Combine(_work.Path, "best.json");
        var eval = CliRunner.Capture("eval", "--checkpoint", bestPath, "--data", "synth:" + synth.Root, "--split", "val", "--json", json);
        Assert.True(eval.Code == 0, eval.Error);
        var evaluated = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("all").GetProperty("pq").GetDouble();
        Assert.Equal(best.GetProperty("value").GetDouble(), evaluated, 12);
        Assert.False(File.Exists(Path.Combine(Run, "validation.safetensors")));
        Assert.Equal(LossCurvePlot.HeightWithValidation, new PlotImageChecks(Path.Combine(Run, "loss.png")).Height);

        var resumed = Train("panoptic", "--steps", "6", "--checkpoint-every", "2", "--eval-every", "2", "--resume");
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Equal([2, 4, 6], Validations().Select(v => v.GetProperty("step").GetInt32()));
    }

    [Fact]
    public void AValidationCutShortByAKilledRunIsDoneFirstOnResume()
    {
        var first = Train("semantic", "--steps", "4", "--checkpoint-every", "2", "--eval-every", "2");
        Assert.True(first.Code == 0, first.Error);
        Assert.Contains("(mIoU)", first.Output);
        // As a process killed while validating step 4 leaves it: step 2's line, then a line cut short.
        var lines = File.ReadAllLines(EvalLog);
        File.WriteAllText(EvalLog, lines[0] + "\n" + lines[1][..20]);

        var resumed = Train("semantic", "--steps", "6", "--checkpoint-every", "2", "--eval-every", "2", "--resume");
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.True(resumed.Output.IndexOf("validation at step 4", StringComparison.Ordinal) < resumed.Output.IndexOf("validation at step 6", StringComparison.Ordinal));
        var validations = Validations();
        Assert.Equal([2, 4, 6], validations.Select(v => v.GetProperty("step").GetInt32()));
        Assert.All(validations, v => Assert.Equal("mIoU", v.GetProperty("metric").GetString()));
        Assert.InRange(validations[^1].GetProperty("value").GetDouble(), 0, 1);
    }

    [Fact]
    public void ValidationMayChangeOnResumeAndAnotherSetStartsTheBestAfresh()
    {
        var first = Train("panoptic", "--steps", "2", "--checkpoint-every", "2", "--eval-every", "2");
        Assert.True(first.Code == 0, first.Error);
        var other = Train("panoptic", "--steps", "4", "--checkpoint-every", "2", "--eval-every", "4", "--eval-split", "train", "--resume");
        Assert.True(other.Code == 0, other.Error);
        var validations = Validations();
        Assert.Equal([2, 4], validations.Select(v => v.GetProperty("step").GetInt32()));
        Assert.EndsWith("@train", validations[1].GetProperty("data").GetString());
        Assert.True(validations[1].GetProperty("best").GetBoolean()); // the first score on the train split, whatever step 2 scored on val
        Assert.Equal("4", SafetensorsFile.Read(Path.Combine(Run, "best.safetensors")).Metadata["validation_step"]);

        var without = Train("panoptic", "--steps", "6", "--checkpoint-every", "2", "--resume");
        Assert.True(without.Code == 0, without.Error);
        Assert.DoesNotContain("validation at step", without.Output);
    }

    [Fact]
    public void AnInstanceRunValidatesWithMaskAp()
    {
        var run = Train("instance", "--steps", "1", "--eval-every", "100", "--eval-input-scale", "1.5");
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("at input scale 1.5", run.Output);
        var validation = Assert.Single(Validations());
        Assert.Equal("1.5", validation.GetProperty("input_scale").GetString());
        Assert.Equal(1, validation.GetProperty("step").GetInt32()); // the last step is always validated
        Assert.Equal("AP", validation.GetProperty("metric").GetString());
        Assert.True(validation.GetProperty("scores").TryGetProperty("AR100", out _));
    }

    [Fact]
    public void RefusesValidationSettingsThatCannotWork()
    {
        var offGrid = Train("panoptic", "--steps", "4", "--checkpoint-every", "2", "--eval-every", "3");
        Assert.Equal(2, offGrid.Code);
        Assert.Contains("--eval-every 3 is not a multiple of --checkpoint-every 2", offGrid.Error);
        Assert.Contains("Use --eval-every 4", offGrid.Error);

        var withoutEvery = Train("panoptic", "--steps", "1", "--eval-split", "train");
        Assert.Equal(2, withoutEvery.Code);
        Assert.Contains("--eval-every is not given", withoutEvery.Error);

        var averaged = Train("panoptic", "--steps", "1", "--eval-every", "100", "--eval-input-scale", "1,1.5");
        Assert.Equal(2, averaged.Code);
        Assert.Contains("only a semantic model allows", averaged.Error);

        var superpixel = CliRunner.Capture("train", "--task", "superpixel", "--data", "synth:" + synth.Root, "-o", Run, "--eval-every", "100");
        Assert.Equal(2, superpixel.Code);
        Assert.Contains("--eval-every validates mask tasks", superpixel.Error);

        var missingSplit = Train("panoptic", "--steps", "1", "--eval-every", "100", "--eval-split", "test");
        Assert.Equal(2, missingSplit.Code);
        Assert.Contains("test", missingSplit.Error);
        Assert.False(File.Exists(Path.Combine(Run, "checkpoint.safetensors"))); // refused before the first step
    }
}
