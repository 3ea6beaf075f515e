using ClustSeg.Runtime.Data;
using ClustSeg.Runtime.Training;

namespace ClustSeg.Tests.Cli;

public sealed class TrainingLogFormatTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("clustseg-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TrainingLogRecord Record(int step, double loss, IReadOnlyDictionary<string, double>? losses = null) =>
        new(step, step / 4.0, 1e-3 * step, loss, losses ?? new Dictionary<string, double> { ["mask_bce"] = loss / 2, ["dice"] = loss / 3 },
            1.5, 3.25, step * 2.5, new DateTimeOffset(2026, 11, 27, 11, 2, step % 60, TimeSpan.Zero));

    [Fact]
    public void WritesTheDocumentedSnakeCaseLine()
    {
        var record = new TrainingLogRecord(3, 0.5, 0.001, 1.5, new Dictionary<string, double> { ["mask_bce"] = 0.25, ["dice"] = 1.25 },
            2, 4.5, 10.25, new DateTimeOffset(2026, 11, 27, 12, 2, 3, TimeSpan.FromHours(1)));
        Assert.Equal("{\"step\":3,\"epoch\":0.5,\"lr\":0.001,\"loss\":1.5,\"losses\":{\"mask_bce\":0.25,\"dice\":1.25}," +
                     "\"grad_norm\":2,\"images_per_second\":4.5,\"elapsed_seconds\":10.25,\"time\":\"2026-11-27T11:02:03Z\"}",
            TrainingLogFormat.FormatLine(record));
    }

    [Fact]
    public void WhatTheWriterAppendsTheReaderReadsBackExactly()
    {
        var records = new List<TrainingLogRecord>
        {
            Record(1, 2.718281828459045),
            Record(2, double.NaN, new Dictionary<string, double> { ["mask_bce"] = double.PositiveInfinity, ["dice"] = double.NegativeInfinity }),
            Record(3, 1e-300) with { LearningRate = 9.2e-05, Time = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero) },
        };
        var path = Path.Combine(_dir, "train.jsonl");
        File.WriteAllText(path, string.Concat(records.Select(r => TrainingLogFormat.FormatLine(r) + "\n")));

        var warnings = new List<string>();
        var read = TrainingLogFormat.Read(path, warnings.Add);
        Assert.Empty(warnings);
        Assert.Equal(records.Count, read.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var (expected, actual) = (records[i], read[i]);
            Assert.Equal(expected.Step, actual.Step);
            Assert.Equal(expected.Epoch, actual.Epoch);
            Assert.Equal(expected.LearningRate, actual.LearningRate);
            Assert.Equal(expected.Loss, actual.Loss);
            Assert.Equal(expected.Losses.OrderBy(p => p.Key), actual.Losses.OrderBy(p => p.Key));
            Assert.Equal(expected.GradientNorm, actual.GradientNorm);
            Assert.Equal(expected.ImagesPerSecond, actual.ImagesPerSecond);
            Assert.Equal(expected.ElapsedSeconds, actual.ElapsedSeconds);
            Assert.Equal(expected.Time, actual.Time);
        }
        Assert.True(double.IsNaN(read[1].Loss));
    }

    [Fact]
    public void ABadLineIsAnErrorNamingTheFileAndTheLine()
    {
        var path = Path.Combine(_dir, "train.jsonl");
        File.WriteAllText(path, TrainingLogFormat.FormatLine(Record(1, 1)) + "\n" + "{\"step\":2,\"loss\":oops}\n" +
                                TrainingLogFormat.FormatLine(Record(3, 1)) + "\n");
        var e = Assert.Throws<DataFileException>(() => TrainingLogFormat.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("line 2", e.Message);
    }

    [Fact]
    public void ARecordMissingAFieldIsAnErrorThatNamesTheField()
    {
        var path = Path.Combine(_dir, "train.jsonl");
        File.WriteAllText(path, TrainingLogFormat.FormatLine(Record(1, 1)).Replace("\"grad_norm\":1.5,", "") + "\n");
        var e = Assert.Throws<DataFileException>(() => TrainingLogFormat.Read(path));
        Assert.Contains("line 1", e.Message);
        Assert.Contains("\"grad_norm\"", e.Message);
    }

    [Fact]
    public void ALastLineCutShortIsSkippedWithAWarning()
    {
        var path = Path.Combine(_dir, "train.jsonl");
        var third = TrainingLogFormat.FormatLine(Record(3, 0.5));
        File.WriteAllText(path, TrainingLogFormat.FormatLine(Record(1, 2)) + "\n" + TrainingLogFormat.FormatLine(Record(2, 1)) + "\n" +
                                third[..(third.Length / 2)]);
        var warnings = new List<string>();
        var read = TrainingLogFormat.Read(path, warnings.Add);
        Assert.Equal([1, 2], read.Select(r => r.Step));
        var warning = Assert.Single(warnings);
        Assert.Contains("line 3", warning);
    }

    [Fact]
    public void ABadLastLineThatWasFinishedIsStillAnError()
    {
        // A complete line (ended by a line break) that does not parse was not cut short by a kill: it is corruption.
        var path = Path.Combine(_dir, "train.jsonl");
        File.WriteAllText(path, TrainingLogFormat.FormatLine(Record(1, 2)) + "\n{\"step\":\n");
        var e = Assert.Throws<DataFileException>(() => TrainingLogFormat.Read(path));
        Assert.Contains("line 2", e.Message);
    }

    [Fact]
    public void AMissingLogIsAnErrorSayingWhatToPass()
    {
        var path = Path.Combine(_dir, "nope.jsonl");
        var e = Assert.Throws<DataFileException>(() => TrainingLogFormat.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("train.jsonl", e.Message);
    }

    [Fact]
    public void ReadsTheTimeAndNumbersAsDefaultSerializationWritesThem()
    {
        var path = Path.Combine(_dir, "train.jsonl");
        File.WriteAllText(path, "{\"step\":7,\"epoch\":0.5,\"lr\":1E-05,\"loss\":1.5,\"losses\":{\"a\":1},\"grad_norm\":2,\"images_per_second\":3," +
                                "\"elapsed_seconds\":4,\"time\":\"2026-11-27T12:02:03.25+01:00\"}\n");
        var record = Assert.Single(TrainingLogFormat.Read(path));
        Assert.Equal(1e-5, record.LearningRate);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 11, 2, 3, 250, TimeSpan.Zero), record.Time);
    }

    [Fact]
    public void TheLatestHistoryKeepsTheResumedRunsLinesForStepsLoggedTwice()
    {
        // Steps 1-4 logged, checkpoint at 2, killed, resumed: 3 and 4 logged again with other values, then 5.
        var records = new[] { Record(1, 9), Record(2, 8), Record(3, 7), Record(4, 6), Record(3, 5), Record(4, 4), Record(5, 3) };
        var latest = TrainingLogFormat.LatestHistory(records);
        Assert.Equal([1, 2, 3, 4, 5], latest.Select(r => r.Step));
        Assert.Equal([9.0, 8, 5, 4, 3], latest.Select(r => r.Loss));
    }
}
