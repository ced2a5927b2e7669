"""The ground floor: helpers every app may use and that import no app (set-based writes today; issue #14 moves
the error, form and Excel helpers of ``revitalization`` here)."""
