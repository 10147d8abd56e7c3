using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class HumanCheckProofOfWork : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SpentHumanChecks",
                columns: table => new
                {
                    Challenge = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SpentHumanChecks", x => x.Challenge);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SpentHumanChecks_ExpiresAt",
                table: "SpentHumanChecks",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SpentHumanChecks");
        }
    }
}
