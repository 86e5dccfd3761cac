using System.Text;
using Maintenance.Benchmarks.Bench;

namespace Maintenance.Benchmarks.Tests.Bench;

public sealed class MinimalParseTests
{
    private static readonly byte[] File = Encoding.ASCII.GetBytes(
        "ticker,volume,open,close,high,low,window_start,transactions\n"
        + "A,100,1.5,2,3,1,1000,7\n"
        + "BB,50.5,10,10,10,10,2000,1\n"
        + "C,1,0.25,0.25,0.25,0.25,3000,2\n");

    [Fact]
    public void Every_value_of_every_row_is_read()
    {
        var tally = MinimalParse.OneCore(File);

        // 'A' + 'B' + 'C' first bytes, then the sums of the numeric columns of each row.
        var expected = (65 + 66 + 67) + (100 + 1.5 + 2 + 3 + 1 + 1000 + 7) + (50.5 + 10 + 10 + 10 + 10 + 2000 + 1) + (1 + 0.25 * 4 + 3000 + 2);
        Assert.Equal(new ParseTally(3, expected), tally);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Pieces_split_at_line_ends_read_the_same_rows(int cores)
    {
        var tally = MinimalParse.AllCores(File, cores);

        Assert.Equal(MinimalParse.OneCore(File), tally);
    }

    [Fact]
    public void A_file_decompresses_to_its_bytes_in_one_gzip_member_or_in_several_and_a_smaller_one_reuses_the_buffer()
    {
        var one = Path.GetTempFileName();
        var small = Path.GetTempFileName();
        var two = Path.GetTempFileName();
        try
        {
            Write(one, File);
            Write(small, File.AsSpan(0, 20).ToArray());
            // Two members one after the other: the trailer gives only the last one's size.
            Write(two, File.AsSpan(0, 20).ToArray());
            using (var append = new FileStream(two, FileMode.Append))
            using (var gzip = new System.IO.Compression.GZipStream(append, System.IO.Compression.CompressionLevel.Fastest))
            {
                gzip.Write(File.AsSpan(20));
            }

            byte[]? buffer = null;
            Assert.Equal(File, MinimalParse.Decompress(one, ref buffer).ToArray());
            var first = buffer;
            Assert.Equal(File.AsSpan(0, 20), MinimalParse.Decompress(small, ref buffer).Span);
            Assert.Same(first, buffer);
            Assert.Equal(File, MinimalParse.Decompress(two, ref buffer).ToArray());
        }
        finally
        {
            System.IO.File.Delete(one);
            System.IO.File.Delete(small);
            System.IO.File.Delete(two);
        }
    }

    private static void Write(string path, byte[] bytes)
    {
        using var gzip = new System.IO.Compression.GZipStream(System.IO.File.Create(path), System.IO.Compression.CompressionLevel.Fastest);
        gzip.Write(bytes);
    }
}
