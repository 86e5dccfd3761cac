using Maintenance.Data.MarketData;

namespace Maintenance.Data.Tests.MarketData;

public sealed class SicSectorsTests
{
    [Theory]
    [InlineData("3571", "Manufacturing")]
    [InlineData("7372", "Services")]
    [InlineData("6022", "Finance, Insurance and Real Estate")]
    [InlineData("1311", "Mining")]
    [InlineData("0100", "Agriculture, Forestry and Fishing")]
    [InlineData("4911", "Transportation and Public Utilities")]
    [InlineData("5045", "Wholesale Trade")]
    [InlineData("5812", "Retail Trade")]
    [InlineData("1531", "Construction")]
    [InlineData("9995", "Nonclassifiable")]
    [InlineData("9100", "Public Administration")]
    public void A_code_falls_in_its_SIC_division(string code, string sector) =>
        Assert.Equal(sector, SicSectors.SectorOf(code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("1850")]
    [InlineData("-100")]
    public void Missing_or_unknown_codes_have_no_sector(string? code) =>
        Assert.Null(SicSectors.SectorOf(code));
}
