package org.careflow.forms.archfixture;

import io.javalin.http.Context;

/** Breaks the domain rule on purpose (see LayeringTest): a form rule that answers HTTP itself. */
public final class FormRuleAnsweringHttp {

    public void reject(Context ctx) {
        ctx.status(400);
    }
}
