using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PushQuestionsIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The new index first: the table stays readable while it is built (on PostgreSQL the drop locks it until commit).
            migrationBuilder.CreateIndex(
                name: "IX_Challenges_Push_AccountId_CreatedAt",
                table: "Challenges",
                columns: new[] { "AccountId", "CreatedAt" },
                filter: "\"Method\" = 'push'");

            migrationBuilder.DropIndex(
                name: "IX_Challenges_AccountId_CreatedAt",
                table: "Challenges");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The index restored first, for the same reason.
            migrationBuilder.CreateIndex(
                name: "IX_Challenges_AccountId_CreatedAt",
                table: "Challenges",
                columns: new[] { "AccountId", "CreatedAt" });

            migrationBuilder.DropIndex(
                name: "IX_Challenges_Push_AccountId_CreatedAt",
                table: "Challenges");
        }
    }
}
